package synthhost

import (
	"strconv"
	"strings"
)

// The key lists of proc/net/netstat and proc/net/snmp, in the order a 6.x
// kernel prints them (net/ipv4/proc.c snmp4_*_list, tcpstat/netstat
// mib lists; taken from a Linux 6.18 host). Every key is printed; the
// counters not modelled stay 0.
var (
	tcpExtKeys   = strings.Fields(`SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled RcvPruned OfoPruned OutOfWindowIcmps LockDroppedIcmps ArpFilter TW TWRecycled TWKilled PAWSActive PAWSEstab BeyondWindow TSEcrRejected PAWSOldAck PAWSTimewait DelayedACKs DelayedACKLocked DelayedACKLost ListenOverflows ListenDrops TCPHPHits TCPPureAcks TCPHPAcks TCPRenoRecovery TCPSackRecovery TCPSACKReneging TCPSACKReorder TCPRenoReorder TCPTSReorder TCPFullUndo TCPPartialUndo TCPDSACKUndo TCPLossUndo TCPLostRetransmit TCPRenoFailures TCPSackFailures TCPLossFailures TCPFastRetrans TCPSlowStartRetrans TCPTimeouts TCPLossProbes TCPLossProbeRecovery TCPRenoRecoveryFail TCPSackRecoveryFail TCPRcvCollapsed TCPBacklogCoalesce TCPDSACKOldSent TCPDSACKOfoSent TCPDSACKRecv TCPDSACKOfoRecv TCPAbortOnData TCPAbortOnClose TCPAbortOnMemory TCPAbortOnTimeout TCPAbortOnLinger TCPAbortFailed TCPMemoryPressures TCPMemoryPressuresChrono TCPSACKDiscard TCPDSACKIgnoredOld TCPDSACKIgnoredNoUndo TCPSpuriousRTOs TCPMD5NotFound TCPMD5Unexpected TCPMD5Failure TCPSackShifted TCPSackMerged TCPSackShiftFallback TCPBacklogDrop PFMemallocDrop TCPMinTTLDrop TCPDeferAcceptDrop IPReversePathFilter TCPTimeWaitOverflow TCPReqQFullDoCookies TCPReqQFullDrop TCPRetransFail TCPRcvCoalesce TCPOFOQueue TCPOFODrop TCPOFOMerge TCPChallengeACK TCPSYNChallenge TCPFastOpenActive TCPFastOpenActiveFail TCPFastOpenPassive TCPFastOpenPassiveFail TCPFastOpenListenOverflow TCPFastOpenCookieReqd TCPFastOpenBlackhole TCPSpuriousRtxHostQueues BusyPollRxPackets TCPAutoCorking TCPFromZeroWindowAdv TCPToZeroWindowAdv TCPWantZeroWindowAdv TCPSynRetrans TCPOrigDataSent TCPHystartTrainDetect TCPHystartTrainCwnd TCPHystartDelayDetect TCPHystartDelayCwnd TCPACKSkippedSynRecv TCPACKSkippedPAWS TCPACKSkippedSeq TCPACKSkippedFinWait2 TCPACKSkippedTimeWait TCPACKSkippedChallenge TCPWinProbe TCPKeepAlive TCPMTUPFail TCPMTUPSuccess TCPDelivered TCPDeliveredCE TCPAckCompressed TCPZeroWindowDrop TCPRcvQDrop TCPWqueueTooBig TCPFastOpenPassiveAltKey TcpTimeoutRehash TcpDuplicateDataRehash TCPDSACKRecvSegs TCPDSACKIgnoredDubious TCPMigrateReqSuccess TCPMigrateReqFailure TCPPLBRehash TCPAORequired TCPAOBad TCPAOKeyNotFound TCPAOGood TCPAODroppedIcmps`)
	ipExtKeys    = strings.Fields(`InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InCsumErrors InNoECTPkts InECT1Pkts InECT0Pkts InCEPkts ReasmOverlaps`)
	mptcpExtKeys = strings.Fields(`MPCapableSYNRX MPCapableSYNTX MPCapableSYNACKRX MPCapableACKRX MPCapableFallbackACK MPCapableFallbackSYNACK MPCapableSYNTXDrop MPCapableSYNTXDisabled MPCapableEndpAttempt MPFallbackTokenInit MPTCPRetrans MPJoinNoTokenFound MPJoinSynRx MPJoinSynBackupRx MPJoinSynAckRx MPJoinSynAckBackupRx MPJoinSynAckHMacFailure MPJoinAckRx MPJoinAckHMacFailure MPJoinRejected MPJoinSynTx MPJoinSynTxCreatSkErr MPJoinSynTxBindErr MPJoinSynTxConnectErr DSSNotMatching DSSCorruptionFallback DSSCorruptionReset InfiniteMapTx InfiniteMapRx DSSNoMatchTCP DataCsumErr OFOQueueTail OFOQueue OFOMerge NoDSSInWindow DuplicateData AddAddr AddAddrTx AddAddrTxDrop EchoAdd EchoAddTx EchoAddTxDrop PortAdd AddAddrDrop MPJoinPortSynRx MPJoinPortSynAckRx MPJoinPortAckRx MismatchPortSynRx MismatchPortAckRx RmAddr RmAddrDrop RmAddrTx RmAddrTxDrop RmSubflow MPPrioTx MPPrioRx MPFailTx MPFailRx MPFastcloseTx MPFastcloseRx MPRstTx MPRstRx SubflowStale SubflowRecover SndWndShared RcvWndShared RcvWndConflictUpdate RcvWndConflict MPCurrEstab Blackhole MPCapableDataFallback MD5SigFallback DssFallback SimultConnectFallback FallbackFailed WinProbe`)
	ipKeys       = strings.Fields(`Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates OutTransmits`)
	icmpKeys     = strings.Fields(`InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps`)
	icmpMsgKeys  = strings.Fields(`InType3 InType8 OutType0 OutType3`)
	tcpKeys      = strings.Fields(`RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors`)
	udpKeys      = strings.Fields(`InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors`)
)

// protoGroup is one pair of lines ("TcpExt: keys" / "TcpExt: values").
type protoGroup struct {
	file string // "netstat" or "snmp"
	name string
	keys []string
	vals []int64
}

// rate says how a counter grows: perSec events a second plus fractions of
// the packets and bytes the NICs moved. constant marks a value (Forwarding,
// RtoMin, MaxConn) that does not count.
type rate struct {
	perSec, ofRx, ofTx, ofRxBytes, ofTxBytes float64
	constant                                 bool
	value                                    int64
}

// rates models a busy TCP server: ~0.01% retransmissions, no listen-queue
// overflows, no receive-queue drops.
func (h *Host) rates() map[string]rate {
	return map[string]rate{
		"TcpExt.EmbryonicRsts": {perSec: 0.2}, "TcpExt.TW": {perSec: 3000}, "TcpExt.PAWSEstab": {perSec: 1},
		"TcpExt.DelayedACKs": {ofRx: 0.02}, "TcpExt.DelayedACKLost": {perSec: 5},
		"TcpExt.ListenOverflows": {perSec: h.o.ListenOverflowRate}, "TcpExt.ListenDrops": {perSec: h.o.ListenOverflowRate},
		"TcpExt.TCPHPHits": {ofRx: 0.30}, "TcpExt.TCPPureAcks": {ofRx: 0.25}, "TcpExt.TCPHPAcks": {ofRx: 0.30},
		"TcpExt.TCPSackRecovery": {perSec: 20}, "TcpExt.TCPSACKReorder": {perSec: 5}, "TcpExt.TCPTSReorder": {perSec: 2},
		"TcpExt.TCPFullUndo": {perSec: 1}, "TcpExt.TCPPartialUndo": {perSec: 1}, "TcpExt.TCPDSACKUndo": {perSec: 2},
		"TcpExt.TCPLossUndo": {perSec: 3}, "TcpExt.TCPLostRetransmit": {perSec: 2}, "TcpExt.TCPSackFailures": {perSec: 0.5},
		"TcpExt.TCPLossFailures": {perSec: 0.2}, "TcpExt.TCPFastRetrans": {perSec: 150}, "TcpExt.TCPSlowStartRetrans": {perSec: 5},
		"TcpExt.TCPTimeouts": {perSec: 5}, "TcpExt.TCPLossProbes": {perSec: 40}, "TcpExt.TCPLossProbeRecovery": {perSec: 8},
		"TcpExt.TCPBacklogCoalesce": {perSec: 2000}, "TcpExt.TCPDSACKOldSent": {perSec: 10}, "TcpExt.TCPDSACKOfoSent": {perSec: 1},
		"TcpExt.TCPDSACKRecv": {perSec: 30}, "TcpExt.TCPAbortOnData": {perSec: 20}, "TcpExt.TCPAbortOnClose": {perSec: 10},
		"TcpExt.TCPAbortOnTimeout": {perSec: 0.5}, "TcpExt.TCPSpuriousRTOs": {perSec: 0.5}, "TcpExt.TCPSackShifted": {perSec: 50},
		"TcpExt.TCPSackMerged": {perSec: 80}, "TcpExt.TCPSackShiftFallback": {perSec: 100}, "TcpExt.TCPRcvCoalesce": {ofRx: 0.12},
		"TcpExt.TCPOFOQueue": {perSec: 500}, "TcpExt.TCPOFOMerge": {perSec: 1}, "TcpExt.TCPChallengeACK": {perSec: 0.1},
		"TcpExt.TCPSYNChallenge": {perSec: 0.1}, "TcpExt.TCPSpuriousRtxHostQueues": {perSec: 1}, "TcpExt.TCPAutoCorking": {perSec: 10000},
		"TcpExt.TCPFromZeroWindowAdv": {perSec: 0.5}, "TcpExt.TCPToZeroWindowAdv": {perSec: 0.5}, "TcpExt.TCPWantZeroWindowAdv": {perSec: 2},
		"TcpExt.TCPSynRetrans": {perSec: 2}, "TcpExt.TCPOrigDataSent": {ofTx: 0.95}, "TcpExt.TCPHystartTrainDetect": {perSec: 1},
		"TcpExt.TCPHystartTrainCwnd": {perSec: 30}, "TcpExt.TCPHystartDelayDetect": {perSec: 0.2}, "TcpExt.TCPHystartDelayCwnd": {perSec: 5},
		"TcpExt.TCPACKSkippedSeq": {perSec: 0.1}, "TcpExt.TCPWinProbe": {perSec: 0.1}, "TcpExt.TCPKeepAlive": {perSec: 20},
		"TcpExt.TCPDelivered": {ofTx: 0.95}, "TcpExt.TCPAckCompressed": {perSec: 100}, "TcpExt.TCPDSACKRecvSegs": {perSec: 30},
		"TcpExt.TcpTimeoutRehash": {perSec: 5},
		"IpExt.InMcastPkts":       {perSec: 5}, "IpExt.OutMcastPkts": {perSec: 1}, "IpExt.InBcastPkts": {perSec: 2},
		"IpExt.InOctets": {ofRxBytes: 0.985}, "IpExt.OutOctets": {ofTxBytes: 0.985}, "IpExt.InMcastOctets": {perSec: 500},
		"IpExt.OutMcastOctets": {perSec: 100}, "IpExt.InBcastOctets": {perSec: 150}, "IpExt.InNoECTPkts": {ofRx: 0.99},
		"IpExt.InECT0Pkts": {ofRx: 0.01},
		"Ip.Forwarding":    {constant: true, value: 2}, "Ip.DefaultTTL": {constant: true, value: 64},
		"Ip.InReceives": {ofRx: 0.999}, "Ip.InDelivers": {ofRx: 0.999}, "Ip.OutRequests": {ofTx: 0.999}, "Ip.OutTransmits": {ofTx: 0.999},
		"IcmpMsg.InType3": {perSec: 10}, "IcmpMsg.InType8": {perSec: 10}, "IcmpMsg.OutType0": {perSec: 10}, "IcmpMsg.OutType3": {perSec: 10},
		"Tcp.RtoAlgorithm": {constant: true, value: 1}, "Tcp.RtoMin": {constant: true, value: 200},
		"Tcp.RtoMax": {constant: true, value: 120000}, "Tcp.MaxConn": {constant: true, value: -1},
		"Tcp.ActiveOpens": {perSec: 1500}, "Tcp.PassiveOpens": {perSec: 3000}, "Tcp.AttemptFails": {perSec: 5},
		"Tcp.EstabResets": {perSec: 30}, "Tcp.InSegs": {ofRx: 0.97}, "Tcp.OutSegs": {ofTx: 0.97}, "Tcp.RetransSegs": {perSec: 200},
		"Tcp.OutRsts":     {perSec: 40},
		"Udp.InDatagrams": {perSec: 2000}, "Udp.NoPorts": {perSec: 5}, "Udp.OutDatagrams": {perSec: 2000}, "Udp.IgnoredMulti": {perSec: 1},
	}
}

func (h *Host) layoutProto() {
	for _, g := range []struct {
		file, name string
		keys       []string
	}{
		{"netstat", "TcpExt", tcpExtKeys}, {"netstat", "IpExt", ipExtKeys}, {"netstat", "MPTcpExt", mptcpExtKeys},
		{"snmp", "Ip", ipKeys}, {"snmp", "Icmp", icmpKeys}, {"snmp", "IcmpMsg", icmpMsgKeys},
		{"snmp", "Tcp", tcpKeys}, {"snmp", "Udp", udpKeys}, {"snmp", "UdpLite", udpKeys},
	} {
		h.proto = append(h.proto, &protoGroup{file: g.file, name: g.name, keys: g.keys, vals: make([]int64, len(g.keys))})
	}
}

// advanceProto moves the protocol counters and the socket gauges.
func (h *Host) advanceProto(dt float64, t traffic) {
	rates := h.rates()
	for _, g := range h.proto {
		for i, k := range g.keys {
			r, ok := rates[g.name+"."+k]
			switch {
			case !ok:
			case r.constant:
				g.vals[i] = r.value
			default:
				per := r.perSec*dt + r.ofRx*t.rxPkts + r.ofTx*t.txPkts + r.ofRxBytes*t.rxBytes + r.ofTxBytes*t.txBytes
				g.vals[i] += int64(h.count(per, 1))
			}
		}
	}
	// Icmp totals are the sums of the IcmpMsg types, as the kernel counts them.
	msg := h.group("IcmpMsg")
	icmp := h.group("Icmp")
	in3, in8, out0, out3 := msg.get("InType3"), msg.get("InType8"), msg.get("OutType0"), msg.get("OutType3")
	icmp.set("InMsgs", in3+in8)
	icmp.set("InDestUnreachs", in3)
	icmp.set("InEchos", in8)
	icmp.set("OutMsgs", out0+out3)
	icmp.set("OutEchoReps", out0)
	icmp.set("OutDestUnreachs", out3)

	h.estab = 28000 + h.rng.IntN(600) - 300
	h.group("Tcp").set("CurrEstab", int64(h.estab))
	h.tw = 8000 + h.rng.IntN(400) - 200
	h.tcpMem = 96000 + h.rng.IntN(2000)
	for i := range h.remoteJitter {
		h.remoteJitter[i] = h.rng.IntN(9) - 4
	}
	h.acceptQ = uint32(h.rng.IntN(4))
	if h.o.ListenOverflowRate > 0 {
		h.acceptQ = 4097 // sk_ack_backlog passes the limit by one when full
	}
}

func (h *Host) group(name string) *protoGroup {
	for _, g := range h.proto {
		if g.name == name {
			return g
		}
	}
	panic("synthhost: no group " + name)
}

func (g *protoGroup) get(key string) int64 {
	for i, k := range g.keys {
		if k == key {
			return g.vals[i]
		}
	}
	return 0
}

func (g *protoGroup) set(key string, v int64) {
	for i, k := range g.keys {
		if k == key {
			g.vals[i] = v
		}
	}
}

// protoFile renders proc/net/netstat or proc/net/snmp.
func (h *Host) protoFile(file string) []byte {
	var b []byte
	for _, g := range h.proto {
		if g.file != file {
			continue
		}
		b = append(b, g.name...)
		b = append(b, ':')
		for _, k := range g.keys {
			b = append(b, ' ')
			b = append(b, k...)
		}
		b = append(b, '\n')
		b = append(b, g.name...)
		b = append(b, ':')
		for _, v := range g.vals {
			b = append(b, ' ')
			b = strconv.AppendInt(b, v, 10)
		}
		b = append(b, '\n')
	}
	return b
}

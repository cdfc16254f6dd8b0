package tune

import (
	"fmt"

	"github.com/safchain/ethtool"

	"github.com/netvet/netvet/analyze"
)

// Ethtool is the part of github.com/safchain/ethtool that apply uses: the
// SIOCETHTOOL ioctls for rings, channels and features
// (https://github.com/torvalds/linux/blob/master/net/ethtool/ioctl.c).
// *ethtool.Ethtool implements it; tests give a fake.
type Ethtool interface {
	GetRing(dev string) (ethtool.Ring, error)
	SetRing(dev string, r ethtool.Ring) (ethtool.Ring, error)
	GetChannels(dev string) (ethtool.Channels, error)
	SetChannels(dev string, c ethtool.Channels) (ethtool.Channels, error)
	// Features are the device's features by the kernel's names, on or off.
	Features(dev string) (map[string]bool, error)
	// Change requests features on or off (ETHTOOL_SFEATURES).
	Change(dev string, features map[string]bool) error
	Close()
}

// openEthtool opens the kernel's ethtool: a socket in the calling thread's
// network namespace, which the ioctls then address devices in.
func openEthtool() (Ethtool, error) { return ethtool.NewEthtool() }

// readEthtool reads the setting of an ethtool change.
func readEthtool(e Ethtool, c analyze.Change) (string, error) {
	switch c.Kind {
	case analyze.ChangeRing:
		r, err := e.GetRing(c.Device)
		if err != nil {
			return "", fmt.Errorf("%s: read ring sizes: %w", c.Device, err)
		}
		v, _ := ringField(&r, c.Target)
		return fmt.Sprint(*v), nil
	case analyze.ChangeChannels:
		ch, err := e.GetChannels(c.Device)
		if err != nil {
			return "", fmt.Errorf("%s: read channels: %w", c.Device, err)
		}
		v, _ := channelField(&ch, c.Target)
		return fmt.Sprint(*v), nil
	case analyze.ChangeFeature:
		fs, err := e.Features(c.Device)
		if err != nil {
			return "", fmt.Errorf("%s: read features: %w", c.Device, err)
		}
		on, ok := fs[c.Target]
		if !ok {
			return "", fmt.Errorf("%s has no feature %q", c.Device, c.Target)
		}
		return onOff(on), nil
	}
	return "", fmt.Errorf("%s is not an ethtool setting", c.Kind)
}

// writeEthtool sets one ethtool setting, leaving the device's others as
// they are: rings and channels are read, one field changed, and written
// back, since the ioctl sets every field.
func writeEthtool(e Ethtool, c analyze.Change, v string) error {
	switch c.Kind {
	case analyze.ChangeRing:
		n, err := uint32Of(v)
		if err != nil {
			return err
		}
		r, err := e.GetRing(c.Device)
		if err != nil {
			return fmt.Errorf("%s: read ring sizes: %w", c.Device, err)
		}
		f, limit := ringField(&r, c.Target)
		if n > limit {
			return fmt.Errorf("%s: %s ring %d is above the maximum %d", c.Device, c.Target, n, limit)
		}
		*f = n
		if _, err := e.SetRing(c.Device, r); err != nil {
			return fmt.Errorf("%s: set %s ring to %d: %w", c.Device, c.Target, n, err)
		}
		return nil
	case analyze.ChangeChannels:
		n, err := uint32Of(v)
		if err != nil {
			return err
		}
		ch, err := e.GetChannels(c.Device)
		if err != nil {
			return fmt.Errorf("%s: read channels: %w", c.Device, err)
		}
		f, limit := channelField(&ch, c.Target)
		if n > limit {
			return fmt.Errorf("%s: %d %s channels is above the maximum %d", c.Device, n, c.Target, limit)
		}
		*f = n
		if _, err := e.SetChannels(c.Device, ch); err != nil {
			return fmt.Errorf("%s: set %s channels to %d: %w", c.Device, c.Target, n, err)
		}
		return nil
	case analyze.ChangeFeature:
		if v != "on" && v != "off" {
			return fmt.Errorf("feature value %q is not on or off", v)
		}
		if err := e.Change(c.Device, map[string]bool{c.Target: v == "on"}); err != nil {
			return fmt.Errorf("%s: turn %s %s: %w", c.Device, c.Target, v, err)
		}
		return nil
	}
	return fmt.Errorf("%s is not an ethtool setting", c.Kind)
}

// ringField points at the current size of ring rx or tx and returns its
// maximum (Validate has checked the name).
func ringField(r *ethtool.Ring, which string) (*uint32, uint32) {
	if which == "tx" {
		return &r.TxPending, r.TxMaxPending
	}
	return &r.RxPending, r.RxMaxPending
}

// channelField points at the current count of channel kind and returns its
// maximum.
func channelField(c *ethtool.Channels, kind string) (*uint32, uint32) {
	switch kind {
	case "rx":
		return &c.RxCount, c.MaxRx
	case "tx":
		return &c.TxCount, c.MaxTx
	}
	return &c.CombinedCount, c.MaxCombined
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

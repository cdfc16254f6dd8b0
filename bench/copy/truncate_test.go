package copy

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

func truncatingSink(args []string) int {
	spec := os.Getenv(truncateEnv)
	i := strings.LastIndexByte(spec, ':')
	if i < 0 {
		fmt.Fprintf(os.Stderr, "%s: bad %s=%q\n", truncatingSinkRole, truncateEnv, spec)
		return 2
	}
	path := spec[:i]
	after, err := strconv.ParseInt(spec[i+1:], 10, 64)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: bad %s=%q\n", truncatingSinkRole, truncateEnv, spec)
		return 2
	}
	done := false
	return runSink(args, func(got int64) {
		if !done && got >= after {
			done = true
			if err := os.Truncate(path, after); err != nil {
				fmt.Fprintf(os.Stderr, "truncate: %v\n", err)
			}
		}
	})
}

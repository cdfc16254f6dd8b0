package analyze

import "strings"

// sh quotes s for a POSIX shell when it needs it. Interface and bond names
// come from the host or a recording and may hold any byte but '/', ':' and
// white space (dev_valid_name in net/core/dev.c): "e<1>&x" is a legal name,
// and a command a person pastes must not run part of it.
func sh(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@%+=,/:") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

package collect

import (
	"errors"
	"fmt"
	"io/fs"
)

// ParseError is a problem in a kernel file, with the path as read through the
// Source and the 1-based line. Collectors keep what they could parse and
// return the first such error, so one bad line never hides the rest.
type ParseError struct {
	Path string
	Line int // 0 when the problem is not tied to a line
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// parseErr builds a ParseError with a formatted message.
func parseErr(path string, line int, format string, args ...any) error {
	return &ParseError{Path: path, Line: line, Err: fmt.Errorf(format, args...)}
}

// IsUnavailable reports whether err means "no data here" (file absent,
// permission denied, container without /sys) rather than bad data.
func IsUnavailable(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission)
}

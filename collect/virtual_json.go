package collect

import (
	"bytes"
	"encoding/json"
	"errors"
)

// decodeVirtualJSON reads one of the Source's virtual netvet/*.json files
// into v, which must be a pointer to a struct or map: the file must hold a
// JSON object. A syntax or type error is a ParseError with the line it is
// on; a missing file is returned as read (unavailable). After a type error
// (a string where a list belongs) encoding/json has still filled the rest
// of v: the data is then returned with the error, so the caller keeps it.
func (c *Collector) decodeVirtualJSON(name string, v any) ([]byte, error) {
	b, err := c.r.readFile(name)
	if err != nil {
		return nil, err
	}
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '{' {
		return nil, parseErr(name, 1, "want a JSON object")
	}
	if err := json.Unmarshal(b, v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, parseErr(name, jsonLine(b, se.Offset), "%v", err)
		case errors.As(err, &te):
			return b, parseErr(name, jsonLine(b, te.Offset), "%v", err)
		}
		return nil, parseErr(name, 0, "%v", err)
	}
	return b, nil
}

// jsonLine is the 1-based line of byte offset off in b.
func jsonLine(b []byte, off int64) int {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(b[:off], []byte{'\n'}) + 1
}

package collect

import (
	"bytes"
	"encoding/json"
	"errors"
)

// jsonErr turns an encoding/json error about file name into a ParseError
// that names the line of the offending byte when the error carries an offset
// (syntax errors, values of the wrong type).
func jsonErr(name string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &ParseError{Path: name, Line: lineAt(data, se.Offset), Err: err}
	case errors.As(err, &te):
		return &ParseError{Path: name, Line: lineAt(data, te.Offset), Err: err}
	}
	return &ParseError{Path: name, Err: err}
}

// lineAt returns the 1-based line of the byte before offset: encoding/json
// offsets count the bytes read up to and including the one in error.
func lineAt(data []byte, offset int64) int {
	end := min(max(offset-1, 0), int64(len(data)))
	return bytes.Count(data[:end], []byte("\n")) + 1
}

// isSyntaxErr reports whether a jsonErr result is a syntax error, after
// which nothing of the file was decoded.
func isSyntaxErr(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se)
}

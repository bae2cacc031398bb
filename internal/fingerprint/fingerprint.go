// Package fingerprint groups errors by shape: Normalize strips the variable
// parts of a message, Fingerprint hashes it with the fields that decide a
// diagnosis into the 16 hex characters of diagnosis.fingerprint.
package fingerprint

import (
	"hash/fnv"
	"strconv"
	"strings"
)

// sep separates the hashed fields. It is the ASCII unit separator; it is
// replaced by a space inside a field (Normalize already turns it into one),
// so two different field lists cannot hash the same bytes.
const sep = 0x1f

// Fingerprint is 16 lower-case hex characters: the FNV-1a 64-bit hash of
//
//	service 0x1f category 0x1f cause 0x1f exceptionType 0x1f Normalize(message)
//
// It is stable across runs, processes and versions of Go (no seeded hash), so
// it can be stored and compared (diagnosis.regression). Changing Normalize,
// the field order or the separator changes every fingerprint: do it only on
// purpose, with the golden test updated.
func Fingerprint(service, category, cause, exceptionType, message string) string {
	h := fnv.New64a()
	for _, f := range [...]string{service, category, cause, exceptionType} {
		writeField(h, f)
		_, _ = h.Write([]byte{sep})
	}
	writeField(h, Normalize(message))
	s := strconv.FormatUint(h.Sum64(), 16)
	if len(s) < 16 {
		s = strings.Repeat("0", 16-len(s)) + s
	}
	return s
}

type writer interface{ Write([]byte) (int, error) }

func writeField(h writer, f string) {
	if strings.IndexByte(f, sep) >= 0 {
		f = strings.ReplaceAll(f, string(rune(sep)), " ")
	}
	_, _ = h.Write([]byte(f))
}

// Package fingerprint groups errors by shape: Normalize strips the variable
// parts of a message, Fingerprint hashes it with the fields that decide a
// diagnosis into the 16 hex characters of diagnosis.fingerprint.
package fingerprint

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
	h := uint64(fnvOffset64)
	for _, f := range [...]string{service, category, cause, exceptionType} {
		h = writeField(h, f)
		h = (h ^ sep) * fnvPrime64
	}
	h = writeField(h, Normalize(message))
	var out [16]byte
	const hex = "0123456789abcdef"
	for i := 15; i >= 0; i-- {
		out[i] = hex[h&0xf]
		h >>= 4
	}
	return string(out[:])
}

// FNV-1a 64 (hash/fnv's New64a), written out so that hashing allocates
// nothing; TestFingerprintMatchesHashFNV checks it against hash/fnv.
const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// writeField hashes f with the separator byte replaced by a space.
func writeField(h uint64, f string) uint64 {
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c == sep {
			c = ' '
		}
		h = (h ^ uint64(c)) * fnvPrime64
	}
	return h
}

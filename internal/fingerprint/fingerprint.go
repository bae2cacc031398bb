// Package fingerprint groups errors the way an error tracker does: by
// service, category and cause, by the failing dependency for database and
// dependency failures, by the top in-app stack frame for exceptions, by
// route when nothing else is known; Normalize strips the variable parts of
// a message. Fingerprint hashes that into the 16 hex characters of
// diagnosis.fingerprint.
package fingerprint

import (
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/stackframe"
)

// Scheme names the fields and normalisation hashed. Fingerprints are
// stored and compared (diagnosis.first_seen, diagnosis.regression): the
// value of a fault changes only with a new scheme, documented in the
// README and the CHANGELOG, never with a deploy, a line that moves or a
// restart. TestFingerprintGolden pins the values of this scheme.
const Scheme = "v4"

// Fields are what a fingerprint is made of; Fingerprint picks the ones of
// the category.
type Fields struct {
	Service  string
	Category diagnosis.Category
	Cause    string
	// ExceptionType and Message of the deciding evidence (Message is
	// normalised).
	ExceptionType, Message string
	// Dependency is the key of the database or downstream that failed
	// (evidence.Dependency, or the downstream service.name).
	Dependency string
	// Frame is the top in-app stack frame of the deciding exception.
	Frame string
	// Route is the target's http.route (or route-carrying span name),
	// used when no evidence decided or the frame is an anonymous
	// function's.
	Route string
	// NoEvidence: nothing in the trace decided (unknown/no_evidence, or a
	// gateway status of the target's own).
	NoEvidence bool
}

// sep separates the hashed fields. It is the ASCII unit separator; it is
// replaced by a space inside a field (Normalize already turns it into one),
// so two different field lists cannot hash the same bytes.
const sep = 0x1f

// Fingerprint is 16 lower-case hex characters: the FNV-1a 64-bit hash of
//
//	Scheme 0x1f service 0x1f category 0x1f cause 0x1f exceptionType 0x1f
//	Normalize(message) 0x1f where
//
// The message is left empty for database_connection, database_timeout and
// dependency_failure when the dependency is known (byDependencyAlone).
// where names the fault's place, per category:
//   - database_connection, database_timeout, database_query,
//     dependency_failure: "dep " + the dependency key (the same database
//     down behind two code paths is one group; two databases are two), and
//     the exception type is left empty;
//   - every other category: "frame " + the top in-app frame, and
//     " dep " + the dependency key when the evidence was a call (two bugs
//     with one message at two functions are two groups); when the frame is
//     an anonymous function's (stackframe.Anonymous: two Express handlers
//     of one file, two generator expressions), " route " + Normalize(route);
//   - no deciding evidence: "route " + Normalize(route) (each endpoint of a
//     service that fails without evidence is a group of its own).
//
// Empty parts are left out. It is stable across runs, processes and
// versions of Go (no seeded hash), so it can be stored and compared.
func Fingerprint(f Fields) string {
	h := uint64(fnvOffset64)
	excType := f.ExceptionType
	if dependencyCategory(f.Category) {
		// The cause and the dependency say what failed; the type says which
		// layer's span decided: one failed statement is reported by the
		// driver's span (an exception event) and by its ORM's (a status),
		// and either may decide.
		excType = ""
	}
	for _, s := range [...]string{Scheme, f.Service, string(f.Category), f.Cause, excType} {
		h = writeField(h, s)
		h = (h ^ sep) * fnvPrime64
	}
	if !byDependencyAlone(f.Category) || f.Dependency == "" {
		h = writeField(h, Normalize(f.Message))
	}
	h = (h ^ sep) * fnvPrime64
	switch {
	case f.NoEvidence:
		h = writeTagged(h, "route ", Normalize(f.Route))
	case dependencyCategory(f.Category):
		h = writeTagged(h, "dep ", f.Dependency)
	default:
		h = writeTagged(h, "frame ", f.Frame)
		if f.Dependency != "" {
			h = writeTagged(h, " dep ", f.Dependency)
		}
		if stackframe.Anonymous(f.Frame) {
			h = writeTagged(h, " route ", Normalize(f.Route))
		}
	}
	var out [16]byte
	const hex = "0123456789abcdef"
	for i := 15; i >= 0; i-- {
		out[i] = hex[h&0xf]
		h >>= 4
	}
	return string(out[:])
}

// byDependencyAlone: categories whose fault is the dependency's state (down,
// refusing, out of connections, slow), one fault however the layers word it:
// net/http reports one client timeout as "context deadline exceeded" or as
// "net/http: request canceled"; a driver and its pool say "refused" in
// their own words. With the dependency known the message is not hashed (it
// still is when the dependency is not, the only thing telling two apart); a
// query error keeps it (two bad statements against one database are two
// faults).
func byDependencyAlone(c diagnosis.Category) bool {
	switch c {
	case diagnosis.DatabaseConnection, diagnosis.DatabaseTimeout, diagnosis.DependencyFailure:
		return true
	}
	return false
}

// dependencyCategory: categories whose fault is a dependency, grouped by
// which one failed rather than by the code that called it.
func dependencyCategory(c diagnosis.Category) bool {
	switch c {
	case diagnosis.DatabaseConnection, diagnosis.DatabaseTimeout, diagnosis.DatabaseQuery, diagnosis.DependencyFailure:
		return true
	}
	return false
}

func writeTagged(h uint64, tag, v string) uint64 {
	if v == "" {
		return h
	}
	return writeField(writeField(h, tag), v)
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

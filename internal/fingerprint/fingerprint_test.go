package fingerprint

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"strings"
	"testing"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

var hex16 = regexp.MustCompile(`^[0-9a-f]{16}$`)

func TestFingerprintSameShape(t *testing.T) {
	groups := [][]string{
		{
			"Order 12345 not found (request 550e8400-e29b-41d4-a716-446655440000)",
			"Order 99 not found (request 6ba7b810-9dad-11d1-80b4-00c04fd430c8)",
			"order 7 NOT FOUND  (request 6ba7b811-9dad-11d1-80b4-00c04fd430c8)",
		},
		{
			`dial tcp 10.0.3.7:5432: connect: connection refused`,
			`dial tcp 192.168.1.20:6432: connect: connection refused`,
			`dial tcp [2001:db8::7]:5432: connect: connection refused`,
		},
		{
			`duplicate key value violates unique constraint "users_email_key" Key (email)=('a@b.com')`,
			`duplicate key value violates unique constraint "orders_pkey" Key (email)=('c@d.org')`,
		},
		{
			"deadline exceeded at 2024-06-11T10:22:33Z after 5000ms",
			"deadline exceeded at 2025-01-02T00:00:00.5+01:00 after 30000ms",
		},
		{
			"span 4bf92f35 failed",
			"span 41923835 failed", // a hex id that happens to be all digits
			"span 0xdeadbeef failed",
		},
	}
	for _, g := range groups {
		want := fp5("checkout", "database_query", "constraint_violation", "PSQLException", g[0])
		for _, m := range g[1:] {
			if got := fp5("checkout", "database_query", "constraint_violation", "PSQLException", m); got != want {
				t.Errorf("different fingerprints:\n%q → %s (%q)\n%q → %s (%q)", g[0], want, Normalize(g[0]), m, got, Normalize(m))
			}
		}
	}
}

func TestFingerprintDiffers(t *testing.T) {
	// An exception category: every one of the five fields is hashed
	// (a dependency category leaves the exception type out).
	base := []string{"checkout", "application_exception", "null_reference", "NullPointerException", "Cannot invoke size() on null"}
	fp := func(f []string) string { return fp5(f[0], f[1], f[2], f[3], f[4]) }
	want := fp(base)
	seen := map[string]int{want: -1}
	variants := [][]string{
		{"payments", base[1], base[2], base[3], base[4]},
		{base[0], "resource_exhaustion", base[2], base[3], base[4]},
		{base[0], base[1], "key_error", base[3], base[4]},
		{base[0], base[1], base[2], "IllegalStateException", base[4]},
		{base[0], base[1], base[2], base[3], "Cannot invoke get() on null"},
		{base[0], base[1], base[2], base[3], ""},
		// Fields do not bleed into each other.
		{base[0] + "\x1f" + base[1], "", base[2], base[3], base[4]},
		{base[0] + base[1], "", base[2], base[3], base[4]},
		{"", base[0], base[1], base[2], base[3] + " " + base[4]},
	}
	for i, v := range variants {
		got := fp(v)
		if j, ok := seen[got]; ok {
			t.Errorf("variant %d %q has the fingerprint of %d", i, v, j)
		}
		seen[got] = i
	}
}

func TestFingerprintFormat(t *testing.T) {
	for _, in := range []string{"", "a", "\x00", strings.Repeat("z", 10000), "\xff"} {
		for _, f := range []string{
			fp5(in, in, in, in, in),
			fp5("", "", "", "", in),
			Fingerprint(Fields{Frame: in, Dependency: in, Route: in, NoEvidence: true}),
		} {
			if !hex16.MatchString(f) {
				t.Errorf("Fingerprint(%q) = %q", in, f)
			}
		}
	}
}

var sink string

// benchMessage is the message of the benchmarks.
const benchMessage = `ERROR: duplicate key value violates unique constraint "orders_pkey" Detail: Key (id)=(550e8400-e29b-41d4-a716-446655440000) already exists at 2024-06-11T10:22:33Z on 10.0.3.7:5432`

func BenchmarkFingerprint(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sink = Fingerprint(Fields{Service: "checkout", Category: "database_query", Cause: "constraint_violation",
			ExceptionType: "org.postgresql.util.PSQLException", Message: benchMessage, Dependency: "postgresql shop pg.internal:5432"})
	}
}

// TestFingerprintMatchesHashFNV: the written-out FNV-1a equals hash/fnv's.
func TestFingerprintMatchesHashFNV(t *testing.T) {
	for _, f := range [][5]string{
		{"checkout", "database_query", "deadlock", "java.sql.SQLTransactionRollbackException", "Deadlock found when trying to get lock"},
		{"", "", "", "", ""},
		{"a\x1fb", "c", "d", "e", "f\x1fg"},
	} {
		h := fnv.New64a()
		fields := append([]string{Scheme}, f[:4]...)
		if dependencyCategory(diagnosis.Category(f[1])) {
			fields[4] = "" // the exception type is left out
		}
		for _, x := range fields {
			_, _ = h.Write([]byte(strings.ReplaceAll(x, "\x1f", " ")))
			_, _ = h.Write([]byte{0x1f})
		}
		_, _ = h.Write([]byte(strings.ReplaceAll(Normalize(f[4]), "\x1f", " ")))
		_, _ = h.Write([]byte{0x1f})
		if dependencyCategory(diagnosis.Category(f[1])) {
			_, _ = h.Write([]byte("dep a.b"))
		} else {
			_, _ = h.Write([]byte("frame x.y dep a.b"))
		}
		want := fmt.Sprintf("%016x", h.Sum64())
		got := Fingerprint(Fields{Service: f[0], Category: diagnosis.Category(f[1]), Cause: f[2], ExceptionType: f[3], Message: f[4],
			Frame: "x.y", Dependency: "a.b"})
		if got != want {
			t.Errorf("Fingerprint(%q) = %s, hash/fnv gives %s", f, got, want)
		}
	}
}

// fp5 is a fingerprint of the fields every category hashes.
func fp5(service, category, cause, typ, msg string) string {
	return Fingerprint(Fields{Service: service, Category: diagnosis.Category(category), Cause: cause, ExceptionType: typ, Message: msg})
}

// One fault of a dependency whatever words the layers use; a query error's
// words, and a dependency category's when the dependency is unknown, still
// tell two apart.
func TestFingerprintMessageByCategory(t *testing.T) {
	timeout := func(cat diagnosis.Category, dep, msg string) string {
		return Fingerprint(Fields{Service: "shop-gin", Category: cat, Cause: "upstream_timeout", Message: msg, Dependency: dep})
	}
	dep := "127.0.0.1:42295"
	if a, b := timeout(diagnosis.DependencyFailure, dep, "context deadline exceeded"), timeout(diagnosis.DependencyFailure, dep, "net/http: request canceled"); a != b {
		t.Errorf("net/http's two words for one client timeout: %s, %s", a, b)
	}
	if a, b := timeout(diagnosis.DependencyFailure, "", "context deadline exceeded"), timeout(diagnosis.DependencyFailure, "", "net/http: request canceled"); a == b {
		t.Errorf("no dependency known: the message tells them apart, got %s for both", a)
	}
	if a, b := timeout(diagnosis.DatabaseQuery, dep, `relation "a" does not exist`), timeout(diagnosis.DatabaseQuery, dep, `duplicate key value violates unique constraint "a_pkey"`); a == b {
		t.Errorf("two bad statements of one database: %s for both", a)
	}
}

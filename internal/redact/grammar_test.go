package redact

import (
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/redact/redacttest"
)

// TestGrammarsProperty: for every connection-string grammar and value form
// (redacttest), secrets drawn from every printable special character,
// written as the grammar requires, inside driver messages of each language:
// no sequence of three characters of the secret survives, and the host,
// port, database, user and error code around it stay readable.
func TestGrammarsProperty(t *testing.T) {
	rounds := 20
	if testing.Short() {
		rounds = 4
	}
	if n, err := strconv.Atoi(os.Getenv("REDACT_ROUNDS")); err == nil {
		rounds = n // a longer search: REDACT_ROUNDS=500 go test -run Grammars
	}
	r := MustNew(nil, 4096)
	seed := uint64(2026)
	if n, err := strconv.ParseUint(os.Getenv("REDACT_SEED"), 10, 64); err == nil {
		seed = n
	}
	rng := rand.New(rand.NewPCG(16, seed))
	failures := 0
	for _, c := range redacttest.Generate(rng, rounds*redacttest.Forms()) {
		out := r.Redact(c.Text)
		baseline := r.Redact(c.Context())
		leaks, lost := redacttest.Leaks(out, c, baseline), redacttest.Lost(out, c)
		if len(leaks) == 0 && len(lost) == 0 {
			continue
		}
		failures++
		if failures <= 30 {
			t.Errorf("%s: secret %q\n  in: %s\n out: %s\n leaks %q, lost %q", c.Grammar, c.Secret, c.Text, out, leaks, lost)
		}
	}
	if failures > 30 {
		t.Errorf("%d failures in all", failures)
	}
}

// TestIssue16Example: the SQL Server JDBC URL of issue 16 keeps user=sa and
// loses every character of the password.
func TestIssue16Example(t *testing.T) {
	in := `Cannot create PoolableConnectionFactory (jdbc:sqlserver://sql01;databaseName=hr;user=sa;password=Tr0ub4dor&3)`
	want := `Cannot create PoolableConnectionFactory (jdbc:sqlserver://sql01;databaseName=hr;user=sa;password=***)`
	if got := MustNew(nil, 0).Redact(in); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := MustNew(nil, 0).Redact(in); strings.Contains(got, "&3") {
		t.Errorf("the tail of the password survives: %s", got)
	}
}

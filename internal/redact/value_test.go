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

// TestUnbalancedQuoteBeforeSecret: regressions found by fuzzing (issue 6).
// An unbalanced quote before the real value made the match end at the quote
// that opens the secret, which then escaped.
func TestUnbalancedQuoteBeforeSecret(t *testing.T) {
	r := MustNew(nil, 1024)
	for _, tc := range []struct{ in, secret, keep string }{
		{"app WITH LOGIN PASSWORD ' ALTER ROLE app WITH LOGIN PASSWORD 'R0lePw' password=", "R0lePw", "app WITH LOGIN PASSWORD '"},
		{`CREATE USER 'x' IDENTIFIED BY ' then IDENTIFIED BY 'Id3ntPw' done`, "Id3ntPw", "CREATE USER 'x' IDENTIFIED BY '"},
		{`ALTER ROLE a PASSWORD "x then PASSWORD "Dq9Secret" ok`, "Dq9Secret", "ALTER ROLE a PASSWORD"},
		{`ALTER ROLE app WITH PASSWORD 'it's a Pw' LOGIN`, "a Pw", "WITH PASSWORD '***' LOGIN"},
		{`password=' x password='S3cretKV'`, "S3cretKV", "password='***'"},
		{`token: " api_key: "S3cretKV" ok`, "S3cretKV", `token: "***"`},
		{`{"password":"a"b","password":"S3cretKV"}`, "S3cretKV", `{"password":"***`},
	} {
		got := r.Redact(tc.in)
		if strings.Contains(got, tc.secret) {
			t.Errorf("secret %q leaked:\n in: %q\nout: %q", tc.secret, tc.in, got)
		}
		if !strings.Contains(got, tc.keep) {
			t.Errorf("context %q lost:\n in: %q\nout: %q", tc.keep, tc.in, got)
		}
	}
}

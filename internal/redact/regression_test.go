package redact

import (
	"strings"
	"testing"
)

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

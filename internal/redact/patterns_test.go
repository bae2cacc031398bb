package redact

import (
	"strings"
	"testing"
)

func TestLuhn(t *testing.T) {
	for s, want := range map[string]bool{
		"4111111111111111":    true,
		"4111 1111 1111 1111": true,
		"4111111111111112":    false,
		"378282246310005":     true,
		"6011111111111117":    true,
		"79927398713":         false, // valid Luhn but only 11 digits
		"5555555555554444":    true,
	} {
		if got := luhn(s); got != want {
			t.Errorf("luhn(%q) = %v", s, got)
		}
	}
}

// TestNoFalsePositives: ordinary error messages come out unchanged.
func TestNoFalsePositives(t *testing.T) {
	r := MustNew(nil, 1024)
	for _, s := range []string{
		`ERROR: duplicate key value violates unique constraint "users_email_key"`,
		`java.net.SocketTimeoutException: Read timed out`,
		`KeyError: 'DATABASE_URL'`,
		`KeyError: 'secret_key'`,
		`Missing required environment variable AWS_SECRET_ACCESS_KEY`,
		`context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
		`pq: password authentication failed for user "app"`,
		`Access denied for user 'root'@'localhost' (using password: NO)`,
		`request exceeds max_tokens=4096`,
		`tokenizer failed at position 12 (author=bob, passwordless=true)`,
		`JWT expired at 2024-06-11T10:22:33Z`,
		`commit 3f786850e387550fdab836ed7e6dc881de23001b broke the secret rotation job`,
		`Order 4111111111111112 not found`,
		`at com.example.checkout.PaymentService.charge(PaymentService.java:118)`,
		`Traceback (most recent call last): File "/app/main.py", line 42, in handler`,
		`dial tcp 10.0.3.7:5432: connect: connection refused`,
		`GET https://api.example.com/v1/orders/42?expand=items 503`,
		`Basic auth is not enabled for this realm`,
		`std::out_of_range: vector::_M_range_check: __n (which is 5) >= this->size() (which is 3)`,
		`ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey]`,
	} {
		if got := r.Redact(s); got != s {
			t.Errorf("Redact changed an ordinary message:\n in: %q\nout: %q", s, got)
		}
	}
}

// TestPatternsMaskTheirUnion: every pattern runs on the whole text, so a
// pattern whose mask covers the key of a later secret cannot hide that key
// from the key-value pattern (run one after another on each other's output,
// the JWT's mask took "db_password" and left hunter2 in the clear).
func TestPatternsMaskTheirUnion(t *testing.T) {
	r := MustNew(nil, 0)
	tests := []struct{ in, want string }{
		{"token eyJhbGciOiJI.eyJzdWIiOiIx.sig-db_password=hunter2 rejected", "token ***=*** rejected"},
		{"Authorization: Bearer 8f3aC9d1e2 password=wJalrXUtnFEMI", "Authorization: Bearer *** password=***"},
		// An earlier pattern's mask at the start of a value is enough: the
		// host after a token in a URL stays readable.
		{"git clone https://x-access-token:ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/org/repo.git", "git clone https://x-access-token:***@github.com/org/repo.git"},
	}
	for _, tc := range tests {
		got := r.Redact(tc.in)
		if got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
		for _, secret := range []string{"hunter2", "wJalrXUtnFEMI", "16C7e42F"} {
			if strings.Contains(got, secret) {
				t.Errorf("Redact(%q) leaks %q: %q", tc.in, secret, got)
			}
		}
	}
}

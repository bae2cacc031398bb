package classify

import "testing"

// TestMatchGRPC: codes by number or name, any case, with C#'s
// "StatusCode." prefix; OK and empty are no failure.
func TestMatchGRPC(t *testing.T) {
	for _, tc := range []struct {
		code string
		ok   bool
		want string // cause
	}{
		{"14", true, "upstream_unreachable"},
		{"UNAVAILABLE", true, "upstream_unreachable"},
		{"StatusCode.Unavailable", true, "upstream_unreachable"},
		{"4", true, "upstream_timeout"},
		{"deadline_exceeded", true, "upstream_timeout"},
		{"0", false, ""},
		{"OK", false, ""},
		{" ", false, ""},
	} {
		_, out, ok := matchGRPC(tc.code)
		if ok != tc.ok || out.cause != tc.want {
			t.Errorf("matchGRPC(%q) = %q %v, want %q %v", tc.code, out.cause, ok, tc.want, tc.ok)
		}
	}
}

// TestMatchHTTPClient: a failed call by its response status; a success, a
// client error of the caller's own or Tornado's 599 (no response) is none.
func TestMatchHTTPClient(t *testing.T) {
	for _, tc := range []struct {
		status int
		ok     bool
	}{{500, true}, {503, true}, {598, true}, {599, false}, {200, false}, {0, false}} {
		if _, _, ok := matchHTTPClient(tc.status); ok != tc.ok {
			t.Errorf("matchHTTPClient(%d) = %v, want %v", tc.status, ok, tc.ok)
		}
	}
}

// TestQuoteComment: a quote closed and the rest of the query commented
// out, the injection's signature; a comment elsewhere is not.
func TestQuoteComment(t *testing.T) {
	for in, want := range map[string]bool{
		"select * from users where name = 'admin' --' and pw = ''": true,
		"where id = '1'#":         true,
		"where id = \"1\")/* x":   true,
		"select 1 -- a comment":   false,
		"where name = 'o''brien'": false,
		"'":                       false,
	} {
		if got := quoteComment(in); got != want {
			t.Errorf("quoteComment(%q) = %v, want %v", in, got, want)
		}
	}
}

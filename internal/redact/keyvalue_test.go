package redact

import (
	"testing"
)

// TestIsGluedShortKey: "pass" glued to a word is no key; the long keys
// and "pass" alone or after a separator are.
func TestIsGluedShortKey(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want bool
	}{
		{"bypass", true},
		{"compass", true},
		{"pass", false},
		{"redis.pass", false},
		{"db_pass", false},
		{"password", false},
		{"dbpassword", false},
		{"PASSWD", false},
		{"passphrase", false},
	} {
		if got := isGluedShortKey(tc.key); got != tc.want {
			t.Errorf("isGluedShortKey(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
}

// TestIsPortThenProperties: a SQL Server JDBC URL's port and ';'
// properties, not any number before a ';'.
func TestIsPortThenProperties(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"1433;databaseName=hr;password=p@ss", true},
		{"1433; Initial Catalog=hr", true},
		{"1433;", false},
		{"1433;not a list", false},
		{"14a3;databaseName=hr", false},
		{";databaseName=hr", false},
		{"1433", false},
		{"1433;x;user=sa", true},
	} {
		if got := isPortThenProperties(tc.s); got != tc.want {
			t.Errorf("isPortThenProperties(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

// TestMergedRanges: sorted and merged where they overlap or touch; a
// byte is contained when a range covers it, an empty range covers none.
func TestMergedRanges(t *testing.T) {
	rs := merged([]maskRange{{10, 12}, {0, 3}, {2, 5}, {5, 7}, {20, 20}})
	want := sortedRanges{{0, 7}, {10, 12}, {20, 20}}
	if len(rs) != len(want) {
		t.Fatalf("merged = %v, want %v", rs, want)
	}
	for i := range want {
		if rs[i] != want[i] {
			t.Fatalf("merged = %v, want %v", rs, want)
		}
	}
	for _, tc := range []struct {
		i    int
		want bool
	}{{0, true}, {6, true}, {7, false}, {9, false}, {10, true}, {11, true}, {12, false}, {20, false}, {-1, false}, {99, false}} {
		if got := rs.contains(tc.i); got != tc.want {
			t.Errorf("contains(%d) = %v, want %v", tc.i, got, tc.want)
		}
	}
	if merged(nil) != nil {
		t.Error("merged(nil) is nil")
	}
}

// TestLibpqContext: a key led like a libpq keyword, with another libpq
// keyword near, is a conninfo string.
func TestLibpqContext(t *testing.T) {
	s := "could not connect: host=db port=5432 user=app password=x"
	k := len("could not connect: host=db port=5432 user=app ")
	if !libpqLed(s, k) || !isLibpq(s, k, k+len("password=")) {
		t.Errorf("a conninfo string not told: %q", s)
	}
	free := "login failed;password=x"
	k = len("login failed;")
	if libpqLed(free, k) {
		t.Errorf("a key after ';' is not led as libpq's are")
	}
	if isLibpq("the password=x was wrong", 4, 13) {
		t.Error("no libpq keyword near: not conninfo")
	}
	if got := lastNonSpace("ab   ", 5); got != 1 {
		t.Errorf("lastNonSpace = %d, want 1", got)
	}
	if got := lastNonSpace("   ", 3); got != -1 {
		t.Errorf("lastNonSpace of spaces = %d, want -1", got)
	}
}

package fingerprint

import "testing"

// TestNormalizeIdempotentAfterRejectedIPv6 was found by FuzzNormalize
// (issue 6). A rejected IPv6 candidate ("000:000:") swallows the ':' that
// opens the quoted value after it, so the quote was kept on the first pass
// and became <str> on the second; normalize now repeats its pass to a fixed
// point.
func TestNormalizeIdempotentAfterRejectedIPv6(t *testing.T) {
	in := "-K0-000:000:''"
	n := Normalize(in)
	if n2 := Normalize(n); n2 != n {
		t.Fatalf("not idempotent:\n in %q\n n1 %q\n n2 %q", in, n, n2)
	}
}

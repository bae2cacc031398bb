package fingerprint

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Connection Refused", "connection refused"},
		{"  tabs\tand\n\nnewlines\r\n ", "tabs and newlines"},
		{"timeout after 30000ms", "timeout after <num>ms"},
		{"index 5 out of bounds for length 3", "index <num> out of bounds for length <num>"},
		{"pi is 3.14159", "pi is <num>.<num>"},
		{"order 550e8400-e29b-41d4-a716-446655440000 not found", "order <uuid> not found"},
		{"ORDER 550E8400-E29B-41D4-A716-446655440000", "order <uuid>"},
		{"trace 4bf92f3577b34da6a3ce929d0e0e4736", "trace <num>"},
		{"span 00f067aa0ba902b7 and 0x7ffe", "span <num> and <num>"},
		{"user42 and v2 and int64", "user<num> and v<num> and int<num>"},
		{"session abcdefghijkl1234567890", "session <token>"},
		{"at 2024-06-11T10:22:33.123Z failed", "at <ts> failed"},
		{"at 2024-06-11 10:22:33+02:00", "at <ts>"},
		{"on 2024/06/11", "on <ts>"},
		{"at 10:22:33.5 exactly", "at <ts> exactly"},
		{"dial tcp 10.0.3.7:5432: connection refused", "dial tcp <ip>: connection refused"},
		{"dial tcp [::1]:6379: refused", "dial tcp <ip>: refused"},
		{"from fe80::1ff:fe23:4567:890a", "from <ip>"},
		{"from 2001:0db8:85a3:0000:0000:8a2e:0370:7334 ok", "from <ip> ok"},
		{"std::vector::at and Foo::bar2", "std::vector::at and foo::bar<num>"},
		{"line 1:2:3", "line <num>:<num>:<num>"},
		{"mail jane.doe@example.com bounced", "mail <email> bounced"},
		{"relation \"users\" does not exist", "relation <str> does not exist"},
		{"column 'email' of `users`", "column <str> of <str>"},
		{"key=\"a b c\" (\"x\")", "key=<str> (<str>)"},
		{"can't find 'it'", "can't find <str>"},
		{"GET https://api.example.com/v1/users/42?token=abc&x=1#frag failed", "get https://api.example.com/v<num>/users/<num> failed"},
		{"GET http://user:pw@10.1.2.3:8080/x", "get http://<ip>/x"},
		{"unterminated 'quote", "unterminated 'quote"},
		{"\xff\xfebad", "\ufffdbad"},
	}
	for _, tc := range tests {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalizeBounds(t *testing.T) {
	long := strings.Repeat("ünïcödé wörds ", 1000)
	got := Normalize(long)
	if len(got) > MaxNormalizedLen || !utf8.ValidString(got) {
		t.Fatalf("len %d valid %v", len(got), utf8.ValidString(got))
	}
	if Normalize(got) != got {
		t.Errorf("not idempotent on a capped string")
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"", "Order 12345 not found", "dial tcp [::1]:6379", "fe80::1%eth0", "relation \"x\" 'y' `z`",
		"https://u:p@h:1/a?b=1#c", "a@b.com 2024-01-02T03:04:05Z", "x1http://h", "1'a'", "'a'b://c",
		"http://h/?x='a'", "std::vector<int>", "ÀÉÎ 𝔘𝔫𝔦", "\xff\x00\t\n", "0x1F 4bf92f35 AbC123dEf456GhI789",
		strings.Repeat("ab1 ", 300),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("invalid UTF-8 %q", n)
		}
		if len(n) > MaxNormalizedLen {
			t.Fatalf("len %d", len(n))
		}
		if strings.ContainsAny(n, "0123456789\n\t\r") {
			t.Fatalf("digit or control left in %q (from %q)", n, s)
		}
		if n2 := Normalize(n); n2 != n {
			t.Fatalf("not idempotent:\n in %q\n n1 %q\n n2 %q", s, n, n2)
		}
		if fp := fp5("s", "c", "c", "t", s); !hex16.MatchString(fp) {
			t.Fatalf("fingerprint %q", fp)
		}
	})
}

// BenchmarkNormalize: the memoised path (repeated messages) and the uncached
// one (what a first-seen message costs).
func BenchmarkNormalize(b *testing.B) {
	for _, mode := range []struct {
		name string
		f    func(string) string
	}{{"memo", Normalize}, {"uncached", normalize}} {
		b.Run(mode.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(benchMessage)))
			for b.Loop() {
				sink = mode.f(benchMessage)
			}
		})
	}
}

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

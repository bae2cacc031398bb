package classify

import "testing"

// TestHeaderLevel: "pkg.Type: message", .NET's "Type (0x…): message" and a
// bare type are a level of a chain; prose is not.
func TestHeaderLevel(t *testing.T) {
	for _, tc := range []struct {
		in       string
		ok       bool
		typ, msg string
	}{
		{"java.net.ConnectException: Connection refused", true, "java.net.ConnectException", "connection refused"},
		{"System.Net.Sockets.SocketException (111): Connection refused", true, "System.Net.Sockets.SocketException", "connection refused"},
		{"SocketException (0x80004005): No such host is known", true, "SocketException", "no such host is known"},
		{"PG::UndefinedTable: ERROR:  relation \"x\" does not exist", true, "PG::UndefinedTable", "error:  relation \"x\" does not exist"},
		{"KeyError", true, "KeyError", ""},
		{"psycopg2.OperationalError:", true, "psycopg2.OperationalError", ""},
		{"connection refused", false, "", ""},
		{"Something: went wrong", false, "", ""},
		{"2024.01: not a type", false, "", ""},
		{"", false, "", ""},
	} {
		l, ok := headerLevel(tc.in)
		if ok != tc.ok || l.typ != tc.typ || (ok && l.msgLower != tc.msg) {
			t.Errorf("headerLevel(%q) = %q %q %v, want %q %q %v", tc.in, l.typ, l.msgLower, ok, tc.typ, tc.msg, tc.ok)
		}
	}
}

// TestLooksLikeType: qualified names, and simple names ending like an
// exception.
func TestLooksLikeType(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"java.lang.NullPointerException", true},
		{"PG::Error", true},
		{`Illuminate\Database\QueryException`, true},
		{"TimeoutError", true},
		{"ECONNREFUSED", false},
		{"Error", true},
		{"pkg.", false},
		{"3Error", false},
		{"message", false},
	} {
		if got := looksLikeType(tc.in); got != tc.want {
			t.Errorf("looksLikeType(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestParenType: SQLAlchemy's "(pkg.Type) message".
func TestParenType(t *testing.T) {
	for _, tc := range []struct {
		in, typ, rest string
		ok            bool
	}{
		{"(psycopg2.errors.UndefinedTable) relation \"x\" does not exist", "psycopg2.errors.UndefinedTable", "relation \"x\" does not exist", true},
		{"(Background on this error at: https://sqlalche.me/e/20/f405)", "", "", false},
		{"(x) unqualified", "", "", false},
		{"no parenthesis", "", "", false},
		{"()", "", "", false},
	} {
		typ, rest, ok := parenType(tc.in)
		if typ != tc.typ || rest != tc.rest || ok != tc.ok {
			t.Errorf("parenType(%q) = %q %q %v, want %q %q %v", tc.in, typ, rest, ok, tc.typ, tc.rest, tc.ok)
		}
	}
}

// TestDBFamily: every spelling of a system is its family; others are
// themselves, lower case.
func TestDBFamily(t *testing.T) {
	for in, want := range map[string]string{
		"postgresql": "postgresql", "CockroachDB": "postgresql", "mariadb": "mysql", "microsoft.sql_server": "mssql",
		"oracle.db": "oracle", "cosmosdb": "mongodb", "valkey": "redis", "Cassandra": "cassandra", "": "",
	} {
		if got := dbFamily(in); got != want {
			t.Errorf("dbFamily(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestInferSystem and the hints: what the text of a span without
// db.system says of its database.
func TestInferSystem(t *testing.T) {
	for in, want := range map[string]string{
		"dial tcp 10.0.0.5:5432: connect: connection refused": "postgresql",
		"com.mysql.cj.jdbc.exceptions":                        "mysql",
		"ora-00942: table or view does not exist":             "oracle",
		"redis: connection pool timeout":                      "redis",
		"connection refused":                                  "",
	} {
		if got := inferSystem(in); got != want {
			t.Errorf("inferSystem(%q) = %q, want %q", in, got, want)
		}
	}
	if !hasDBHint("psycopg.operationalerror: connection failed") || hasDBHint("nil pointer dereference") {
		t.Error("hasDBHint tells a driver's text from an application's")
	}
}

// TestIsHexish: .NET's HResults and error numbers in parentheses.
func TestIsHexish(t *testing.T) {
	for in, want := range map[string]bool{"0x80004005": true, "111": true, "ABCdef": true, "0x": false, "": false, "12g": false} {
		if got := isHexish(in); got != want {
			t.Errorf("isHexish(%q) = %v, want %v", in, got, want)
		}
	}
}

package fingerprint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/stackframe"
)

// TestFingerprintGolden pins the values of scheme v2 (checked independently:
// FNV-1a 64 of "v2", the fields and "route /cart/{id}" joined by 0x1f, in
// Python, gives a12ebccc0372425c). A change here changes
// every stored fingerprint, diagnosis.first_seen and diagnosis.regression.
// Change them only with a new Scheme, in the README and the CHANGELOG.
func TestFingerprintGolden(t *testing.T) {
	tests := []struct {
		name string
		f    Fields
		want string
	}{
		{"empty", Fields{}, "63e0951ceefccfab"},
		{"database_connection by dependency", Fields{Service: "checkout", Category: diagnosis.DatabaseConnection, Cause: "connection_refused",
			ExceptionType: "org.postgresql.util.PSQLException", Message: "Connection to 10.0.3.7:5432 refused. Check that the hostname and port are correct",
			Dependency: "postgresql shop pg.internal:5432", Frame: "com.acme.shop.CartRepository.find"}, "d4836dc306a6ddc1"},
		{"database_query by dependency", Fields{Service: "orders", Category: diagnosis.DatabaseQuery, Cause: "undefined_table",
			Message: `relation "orders_2024" does not exist`, Dependency: "postgresql orders"}, "710884b3264c9b23"},
		{"dependency_failure by downstream", Fields{Service: "shop", Category: diagnosis.DependencyFailure, Cause: "upstream_5xx",
			Message: "500 Internal Server Error", Dependency: "service=payments"}, "167ab56a85ed50e0"},
		{"application_exception by frame", Fields{Service: "cart", Category: diagnosis.ApplicationException, Cause: "null_reference",
			ExceptionType: "System.NullReferenceException", Message: "Object reference not set to an instance of an object.",
			Frame: "Shop.Orders.OrderService.GetOrdersAsync"}, "2231a069ad4dffcb"},
		{"resource_exhaustion by frame and dependency", Fields{Service: "inventory", Category: diagnosis.ResourceExhaustion, Cause: "disk_full",
			ExceptionType: "", Message: "could not extend file: No space left on device", Dependency: "postgresql shop"}, "4078f5bfd0ce8835"},
		{"unknown by route", Fields{Service: "frontend", Category: diagnosis.Unknown, Cause: "no_evidence", Route: "/cart/{id}", NoEvidence: true}, "a12ebccc0372425c"},
	}
	for _, tc := range tests {
		if got := Fingerprint(tc.f); got != tc.want {
			t.Errorf("%s: Fingerprint(%+v) = %q, want %q", tc.name, tc.f, got, tc.want)
		}
	}
}

// TestFingerprintGoldenFrames pins the fingerprint of a null dereference at
// the top frame of each real stack trace of package stackframe: a row of the
// frame tables that starts to read another frame changes its value here.
// The Go panic of the same code three lines lower (go_panic_moved) keeps
// the value of go_panic.
func TestFingerprintGoldenFrames(t *testing.T) {
	tests := []struct{ file, want string }{
		{"go_panic.txt", "9f4e128584889452"},
		{"go_panic_moved.txt", "9f4e128584889452"},
		{"java_caused_by.txt", "ebd916e9a1106beb"},
		{"java_npe_shipping.txt", "02ff1959d9cec01c"},
		{"java_npe_discount.txt", "c1cc895eafb6b717"},
		{"java_spring_tomcat.txt", "2b8b8d3579aa2d3b"},
		{"python_chain.txt", "92d750042c6b4b4f"},
		{"python_dist_packages.txt", "2d6646b2c525f9da"},
		{"node_async.txt", "edd4ee6a88b76efd"},
		{"node_json_parse.txt", "294653ca8510f410"},
		{"dotnet_mvc.txt", "59d6f6e9048f3729"},
		{"dotnet_async.txt", "d2eb4030e485a14e"},
		{"dotnet_inner.txt", "22f735ec3e94a5db"},
		{"ruby_full_message.txt", "79d0a38e91f65068"},
		{"ruby_legacy_quotes.txt", "c0fc07714bda923f"},
		{"php_otel.txt", "22ad925e9650e024"},
		{"php_native.txt", "8273b806f1ea39af"},
	}
	for _, tc := range tests {
		b, err := os.ReadFile(filepath.Join("..", "stackframe", "testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		frame := stackframe.Top(string(b))
		if frame == "" {
			t.Errorf("%s: no frame", tc.file)
		}
		got := Fingerprint(Fields{Service: "shop", Category: diagnosis.ApplicationException, Cause: "null_reference",
			ExceptionType: "NullReference", Message: "nil dereference", Frame: frame})
		if got != tc.want {
			t.Errorf("%s (frame %q): %q, want %q", tc.file, frame, got, tc.want)
		}
	}
}

// What the scheme groups and what it tells apart (issue 15).
func TestFingerprintGroups(t *testing.T) {
	nilPanic := Fields{Service: "shop", Category: diagnosis.ApplicationException, Cause: "null_reference",
		ExceptionType: "runtime.Error", Message: "runtime error: invalid memory address or nil pointer dereference"}
	at := func(f Fields, frame string) Fields { f.Frame = frame; return f }
	refused := Fields{Service: "shop", Category: diagnosis.DatabaseConnection, Cause: "connection_refused",
		Message: "dial tcp 10.0.0.5:5432: connect: connection refused"}
	dep := func(f Fields, d string) Fields { f.Dependency = d; return f }
	bare := Fields{Service: "shop", Category: diagnosis.Unknown, Cause: "no_evidence", NoEvidence: true}
	route := func(f Fields, r string) Fields { f.Route = r; return f }

	differ := [][2]Fields{
		{at(nilPanic, "main.(*cart).first"), at(nilPanic, "main.(*order).total")},
		{dep(refused, "postgresql shop"), dep(refused, "mysql shop")},
		{dep(refused, "redis 0 cache:6379"), dep(refused, "redis 0 sessions:6379")},
		{route(bare, "/cart"), route(bare, "/checkout")},
	}
	// Two NullPointerExceptions in two Java methods (real traces, one message).
	npe := Fields{Service: "orders", Category: diagnosis.ApplicationException, Cause: "null_reference", ExceptionType: "java.lang.NullPointerException"}
	differ = append(differ, [2]Fields{at(npe, frameOf(t, "java_npe_shipping.txt")), at(npe, frameOf(t, "java_npe_discount.txt"))})
	for _, p := range differ {
		if Fingerprint(p[0]) == Fingerprint(p[1]) {
			t.Errorf("one group for two faults:\n%+v\n%+v", p[0], p[1])
		}
	}
	same := [][2]Fields{
		// A connection failure is the database's, whatever code called it.
		{at(dep(refused, "postgresql shop"), "com.acme.A.find"), at(dep(refused, "postgresql shop"), "com.acme.B.list")},
		// The route is read only when nothing else located the fault.
		{route(at(nilPanic, "main.f"), "/a"), route(at(nilPanic, "main.f"), "/b")},
		// Numbers in a route (a span name carrying the path) are normalised.
		{route(bare, "GET /product/123"), route(bare, "GET /product/456")},
	}
	for _, p := range same {
		if Fingerprint(p[0]) != Fingerprint(p[1]) {
			t.Errorf("two groups for one fault:\n%+v\n%+v", p[0], p[1])
		}
	}
}

func frameOf(t *testing.T, file string) string {
	b, err := os.ReadFile(filepath.Join("..", "stackframe", "testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return stackframe.Top(string(b))
}

// Package origin keeps the client information of the request that brought
// held spans — client.Info: metadata, auth, address — so that they leave
// with it, in a context of their own, and never with the context of the
// request that happens to release them. An Origin is encoded once, when it
// is taken from a request: the encoding is its identity (equal encodings,
// equal client information) and what the held-span store keeps.
package origin // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/origin"

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"

	"go.opentelemetry.io/collector/client"
)

// Origin is the client information of one request.
type Origin struct {
	info client.Info
	key  string
}

// encoding version of Marshal.
const version = 1

// Limits of a decoded origin: an entry of the store is not trusted.
const (
	maxEntries = 1 << 10
	maxString  = 1 << 16
)

// FromContext returns the origin of a request's context; nil when it
// carries no client information.
func FromContext(ctx context.Context) *Origin {
	info := client.FromContext(ctx)
	if info.Addr == nil && info.Auth == nil && empty(info.Metadata) {
		return nil
	}
	return &Origin{info: info, key: string(encode(info))}
}

func empty(md client.Metadata) bool {
	for range md.Keys() {
		return false
	}
	return true
}

// Info is the client information; the zero Info for a nil origin.
func (o *Origin) Info() client.Info {
	if o == nil {
		return client.Info{}
	}
	return o.info
}

// Context returns a context for the delivery of spans of this origin: a
// child of parent (which carries no request's values or deadline: the
// caller's own) with the client information.
func (o *Origin) Context(parent context.Context) context.Context {
	if o == nil {
		return parent
	}
	return client.NewContext(parent, o.info)
}

// Key identifies the client information: equal keys, equal information.
// The empty key is the origin of a request without client information.
func (o *Origin) Key() string {
	if o == nil {
		return ""
	}
	return o.key
}

// Size is about the memory an origin holds: its encoding, and the client
// information it was read from, of about the same size, with the map's
// overhead. A held span accounts for it in full, although the spans of
// one request share it: large headers kept by include_metadata count
// against max_held_mib.
func (o *Origin) Size() int {
	if o == nil {
		return 0
	}
	return 2*len(o.key) + 64
}

// Same reports whether two origins carry equal client information.
func Same(a, b *Origin) bool { return a == b || a.Key() == b.Key() }

// Marshal encodes the origin for the store; Unmarshal reads it back.
func (o *Origin) Marshal() []byte { return []byte(o.Key()) }

// encode writes the client information in a canonical order: the address
// (network and string), the metadata by key, the auth attributes by name.
// An auth attribute that is neither a string nor a list of strings is kept
// as its fmt text.
func encode(info client.Info) []byte {
	b := []byte{version}
	if info.Addr != nil {
		b = append(b, 1)
		b = appendString(b, info.Addr.Network())
		b = appendString(b, info.Addr.String())
	} else {
		b = append(b, 0)
	}
	keys := slices.Sorted(info.Metadata.Keys())
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendString(b, k)
		b = appendStrings(b, info.Metadata.Get(k))
	}
	if info.Auth == nil {
		return binary.AppendUvarint(b, 0)
	}
	names := slices.Sorted(slices.Values(info.Auth.GetAttributeNames()))
	names = slices.Compact(names)
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, n := range names {
		b = appendString(b, n)
		switch v := info.Auth.GetAttribute(n).(type) {
		case []string:
			b = append(b, 2)
			b = appendStrings(b, v)
		case string:
			b = append(b, 1)
			b = appendString(b, v)
		default:
			b = append(b, 1)
			b = appendString(b, fmt.Sprint(v))
		}
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

// ErrMalformed is returned by Unmarshal for bytes that are no origin.
var ErrMalformed = errors.New("origin: malformed encoding")

// Unmarshal decodes an origin written by Marshal; nil for the empty
// encoding (no client information).
func Unmarshal(data []byte) (*Origin, error) {
	if len(data) == 0 {
		return nil, nil
	}
	r := reader{b: data}
	if r.byte() != version {
		return nil, fmt.Errorf("%w: unknown version", ErrMalformed)
	}
	var info client.Info
	if r.byte() == 1 {
		info.Addr = addr{network: r.string(), s: r.string()}
	}
	md := map[string][]string{}
	for range r.count() {
		k := r.string()
		md[k] = r.strings()
	}
	if len(md) > 0 {
		info.Metadata = client.NewMetadata(md)
	}
	if n := r.count(); n > 0 {
		a := auth{}
		for range n {
			name := r.string()
			switch r.byte() {
			case 1:
				a[name] = r.string()
			case 2:
				a[name] = r.strings()
			default:
				r.err = ErrMalformed
			}
		}
		info.Auth = a
	}
	if r.err != nil || len(r.b) != 0 {
		return nil, fmt.Errorf("%w (%d bytes)", ErrMalformed, len(data))
	}
	// The key of the decoded origin is its own canonical encoding, so that
	// it groups with live requests of the same client.
	return &Origin{info: info, key: string(encode(info))}, nil
}

// reader reads the encoding; the first error sticks and reads return zero
// values after it.
type reader struct {
	b   []byte
	err error
}

func (r *reader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = ErrMalformed
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) count() int {
	if r.err != nil {
		return 0
	}
	n, w := binary.Uvarint(r.b)
	if w <= 0 || n > maxEntries {
		r.err = ErrMalformed
		return 0
	}
	r.b = r.b[w:]
	return int(n)
}

func (r *reader) string() string {
	if r.err != nil {
		return ""
	}
	n, w := binary.Uvarint(r.b)
	if w <= 0 || n > maxString || uint64(len(r.b)-w) < n {
		r.err = ErrMalformed
		return ""
	}
	s := string(r.b[w : w+int(n)])
	r.b = r.b[w+int(n):]
	return s
}

func (r *reader) strings() []string {
	n := r.count()
	if n == 0 {
		return nil
	}
	ss := make([]string, 0, n)
	for range n {
		ss = append(ss, r.string())
	}
	return ss
}

// addr is a decoded client address.
type addr struct{ network, s string }

func (a addr) Network() string { return a.network }
func (a addr) String() string  { return a.s }

var _ net.Addr = addr{}

// auth is decoded authentication data: its attributes as strings.
type auth map[string]any

func (a auth) GetAttribute(name string) any { return a[name] }

func (a auth) GetAttributeNames() []string { return slices.Sorted(maps.Keys(a)) }

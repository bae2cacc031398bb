package registry // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// The stored form of a State, format 1:
//
//	magic "edreg" | format byte 1 | string scheme
//	uvarint services | per service: string name, string environment,
//	    uvarint versions | per version: string name, byte after-others (0/1)
//	uvarint groups | per group: string name, string environment, string fingerprint,
//	    string first version, varint first seen and varint last seen (Unix ns),
//	    uvarint count (≥ 1), byte regression (0/1)
//
// A string is a uvarint length and its bytes. Nothing may follow.
const (
	magic      = "edreg"
	formatV1   = 1
	maxStrLen  = 4096
	minService = 3 // bytes of the smallest service, group and version: bound the counts
	minGroup   = 8
	minVersion = 2
)

// ErrFormat is wrapped by the errors of Decode.
var ErrFormat = errors.New("not a fingerprint registry of a known format")

// Encode returns the stored form of st.
func Encode(st State) []byte {
	b := make([]byte, 0, 64+len(st.Services)*48+len(st.Groups)*96)
	b = append(b, magic...)
	b = append(b, formatV1)
	b = appendString(b, st.Scheme)
	b = binary.AppendUvarint(b, uint64(len(st.Services)))
	for _, s := range st.Services {
		b = appendString(b, s.Name)
		b = appendString(b, s.Environment)
		b = binary.AppendUvarint(b, uint64(len(s.Versions)))
		for _, v := range s.Versions {
			b = appendString(b, v.Name)
			b = appendBool(b, v.AfterOthers)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(st.Groups)))
	for _, g := range st.Groups {
		b = appendString(b, g.Name)
		b = appendString(b, g.Environment)
		b = appendString(b, g.Fingerprint)
		b = appendString(b, g.FirstVersion)
		b = binary.AppendVarint(b, g.FirstSeen.UnixNano())
		b = binary.AppendVarint(b, g.LastSeen.UnixNano())
		b = binary.AppendUvarint(b, uint64(g.Count))
		b = appendBool(b, g.Regression)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// Decode reads the stored form of a State. Any other input is an error
// wrapping ErrFormat; it never panics, and allocates no more than the input
// can describe.
func Decode(data []byte) (State, error) {
	d := decoder{b: data}
	if len(data) < len(magic)+1 || string(data[:len(magic)]) != magic {
		return State{}, fmt.Errorf("%w: no header", ErrFormat)
	}
	d.b = d.b[len(magic):]
	if f := d.byte(); f != formatV1 {
		return State{}, fmt.Errorf("%w: format %d, this version reads format %d", ErrFormat, f, formatV1)
	}
	var st State
	st.Scheme = d.string()
	n := d.count(minService)
	st.Services = make([]ServiceVersions, 0, n)
	for range n {
		var s ServiceVersions
		s.Name, s.Environment = d.string(), d.string()
		nv := d.count(minVersion)
		s.Versions = make([]Version, 0, nv)
		for range nv {
			s.Versions = append(s.Versions, Version{Name: d.string(), AfterOthers: d.bool()})
		}
		st.Services = append(st.Services, s)
	}
	n = d.count(minGroup)
	st.Groups = make([]Group, 0, n)
	for range n {
		var g Group
		g.Name, g.Environment, g.Fingerprint, g.FirstVersion = d.string(), d.string(), d.string(), d.string()
		g.FirstSeen = time.Unix(0, d.varint()).UTC()
		g.LastSeen = time.Unix(0, d.varint()).UTC()
		c := d.uvarint()
		if c == 0 || c > 1<<62 {
			d.fail("count %d", c)
		}
		g.Count = int64(c)
		g.Regression = d.bool()
		st.Groups = append(st.Groups, g)
	}
	if d.err == nil && len(d.b) > 0 {
		d.fail("%d bytes after the end", len(d.b))
	}
	if d.err != nil {
		return State{}, d.err
	}
	return st, nil
}

// decoder reads the stored form; after the first error every read returns
// a zero value and the error stays.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail("truncated")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) bool() bool {
	switch c := d.byte(); c {
	case 0:
		return false
	case 1:
		return true
	default:
		d.fail("flag %d", c)
		return false
	}
}

// uvarint and varint accept the shortest encoding only, so that one state
// has one stored form.
func (d *decoder) uvarint() uint64 {
	var buf [binary.MaxVarintLen64]byte
	v, n := binary.Uvarint(d.b)
	if n <= 0 || n != binary.PutUvarint(buf[:], v) {
		d.fail("bad number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	var buf [binary.MaxVarintLen64]byte
	v, n := binary.Varint(d.b)
	if n <= 0 || n != binary.PutVarint(buf[:], v) {
		d.fail("bad number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a number of items of at least minSize bytes each.
func (d *decoder) count(minSize int) int {
	c := d.uvarint()
	if c > uint64(len(d.b)/minSize) {
		d.fail("%d items in %d bytes", c, len(d.b))
		return 0
	}
	return int(c)
}

func (d *decoder) string() string {
	l := d.uvarint()
	if l > maxStrLen || l > uint64(len(d.b)) {
		d.fail("string of %d bytes", l)
		return ""
	}
	s := string(d.b[:l])
	d.b = d.b[l:]
	return s
}

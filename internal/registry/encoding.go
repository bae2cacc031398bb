package registry // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// The stored form of a State, format 2:
//
//	magic "edreg" | format byte 2 | string scheme | uvarint serial
//	uvarint services | per service: string name, string environment,
//	    uvarint versions | per version: string name, byte after-others (0/1),
//	    uvarint seq, uvarint mark, uvarint requests, uvarint checked
//	uvarint groups | per group: string name, string environment, string fingerprint,
//	    string first version, string first revision, string category, string cause,
//	    varint first seen and varint last seen (Unix ns), uvarint count (≥ 1),
//	    byte regression (0/1), uvarint born, uvarint newest, uvarint resolved seq,
//	    string resolved in, byte relapsed (0/1)
//
// Format 1, still read, has no serial, no seq, mark, requests or checked
// per version, and per group neither first revision, category and cause
// nor the fields after regression (see upgradeV1). A string is a uvarint
// length and its bytes. Nothing may follow.
const (
	magic      = "edreg"
	formatV1   = 1
	formatV2   = 2
	maxStrLen  = 4096
	minService = 3 // bytes of the smallest service, group and version: bound the counts
	minGroup   = 8
	minVersion = 2
)

// ErrFormat is wrapped by the errors of Decode.
var ErrFormat = errors.New("not a fingerprint registry of a known format")

// Encode returns the stored form of st, in format 2.
func Encode(st State) []byte {
	b := make([]byte, 0, 64+len(st.Services)*64+len(st.Groups)*128)
	b = append(b, magic...)
	b = append(b, formatV2)
	b = appendString(b, st.Scheme)
	b = binary.AppendUvarint(b, st.Serial)
	b = binary.AppendUvarint(b, uint64(len(st.Services)))
	for _, s := range st.Services {
		b = appendString(b, s.Name)
		b = appendString(b, s.Environment)
		b = binary.AppendUvarint(b, uint64(len(s.Versions)))
		for _, v := range s.Versions {
			b = appendString(b, v.Name)
			b = appendBool(b, v.AfterOthers)
			b = binary.AppendUvarint(b, v.Seq)
			b = binary.AppendUvarint(b, v.Mark)
			b = binary.AppendUvarint(b, uint64(v.Requests))
			b = binary.AppendUvarint(b, uint64(v.Checked))
		}
	}
	b = binary.AppendUvarint(b, uint64(len(st.Groups)))
	for _, g := range st.Groups {
		for _, s := range [...]string{g.Name, g.Environment, g.Fingerprint, g.FirstVersion, g.FirstRevision, g.Category, g.Cause} {
			b = appendString(b, s)
		}
		b = binary.AppendVarint(b, g.FirstSeen.UnixNano())
		b = binary.AppendVarint(b, g.LastSeen.UnixNano())
		b = binary.AppendUvarint(b, uint64(g.Count))
		b = appendBool(b, g.Regression)
		l := g.Lifecycle
		b = binary.AppendUvarint(b, l.Born)
		b = binary.AppendUvarint(b, l.Newest)
		b = binary.AppendUvarint(b, l.ResolvedSeq)
		b = appendString(b, l.ResolvedIn)
		b = appendBool(b, l.Relapsed)
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

// Decode reads the stored form of a State, of format 2 or 1. Any other
// input is an error wrapping ErrFormat; it never panics, and allocates no
// more than the input can describe.
func Decode(data []byte) (State, error) {
	d := decoder{b: data}
	if len(data) < len(magic)+1 || string(data[:len(magic)]) != magic {
		return State{}, fmt.Errorf("%w: no header", ErrFormat)
	}
	d.b = d.b[len(magic):]
	format := d.byte()
	if format != formatV1 && format != formatV2 {
		return State{}, fmt.Errorf("%w: format %d, this version reads formats %d and %d", ErrFormat, format, formatV1, formatV2)
	}
	v2 := format == formatV2
	var st State
	st.Scheme = d.string()
	if v2 {
		st.Serial = d.uvarint()
	}
	n := d.count(minService)
	st.Services = make([]ServiceVersions, 0, n)
	for range n {
		var s ServiceVersions
		s.Name, s.Environment = d.string(), d.string()
		nv := d.count(minVersion)
		s.Versions = make([]Version, 0, nv)
		for range nv {
			v := Version{Name: d.string(), AfterOthers: d.bool()}
			if v2 {
				v.Seq, v.Mark, v.Requests, v.Checked = d.uvarint(), d.uvarint(), d.int64(), d.int64()
			}
			s.Versions = append(s.Versions, v)
		}
		st.Services = append(st.Services, s)
	}
	n = d.count(minGroup)
	st.Groups = make([]Group, 0, n)
	for range n {
		var g Group
		g.Name, g.Environment, g.Fingerprint, g.FirstVersion = d.string(), d.string(), d.string(), d.string()
		if v2 {
			g.FirstRevision, g.Category, g.Cause = d.string(), d.string(), d.string()
		}
		g.FirstSeen = time.Unix(0, d.varint()).UTC()
		g.LastSeen = time.Unix(0, d.varint()).UTC()
		c := d.uvarint()
		if c == 0 || c > 1<<62 {
			d.fail("count %d", c)
		}
		g.Count = int64(c)
		g.Regression = d.bool()
		if v2 {
			g.Born, g.Newest, g.ResolvedSeq = d.uvarint(), d.uvarint(), d.uvarint()
			g.ResolvedIn, g.Relapsed = d.string(), d.bool()
		}
		st.Groups = append(st.Groups, g)
	}
	if d.err == nil && len(d.b) > 0 {
		d.fail("%d bytes after the end", len(d.b))
	}
	if d.err != nil {
		return State{}, d.err
	}
	if !v2 {
		upgradeV1(&st)
	}
	return st, nil
}

// upgradeV1 gives a state of format 1, which knew no lifecycle, the
// serials format 2 has. Versions get serials in stored order. Every group
// is taken as seen in the newest version of its service and born after
// every version's last look: only a version that appears after the upgrade
// resolves it, as a group first seen then would be, and no group relapses
// for a resolution format 1 could not have recorded.
func upgradeV1(st *State) {
	var serial uint64
	newest := make(map[Service]uint64, len(st.Services))
	for i := range st.Services {
		s := &st.Services[i]
		for j := range s.Versions {
			serial++
			s.Versions[j].Seq, s.Versions[j].Mark = serial, serial
		}
		if len(s.Versions) > 0 {
			newest[s.Service] = serial
		}
	}
	for i := range st.Groups {
		serial++
		st.Groups[i].Born, st.Groups[i].Newest = serial, newest[st.Groups[i].Service]
	}
	st.Serial = serial
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

// int64 is a uvarint of at most 1<<62: a count.
func (d *decoder) int64() int64 {
	v := d.uvarint()
	if v > 1<<62 {
		d.fail("count %d", v)
		return 0
	}
	return int64(v)
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

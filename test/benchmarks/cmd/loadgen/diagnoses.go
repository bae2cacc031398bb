package main

import (
	"bytes"

	"google.golang.org/protobuf/encoding/protowire"
)

// diagnoses counts, in an OTLP ExportTraceServiceRequest, the spans with a
// diagnosis.category attribute and, among them, those whose diagnosis.cause
// is no_evidence: what the sink received of the processor's diagnoses.
// Every failing scenario of the workload carries evidence, so a
// no_evidence there is a diagnosis the processor lost (a trace forgotten
// before its evidence could be read, by a budget). Walked on the wire
// format, with no unmarshalling: resource_spans (1) > scope_spans (2) >
// spans (2) > attributes (9) > key (1), value (2) > string_value (1).
func diagnoses(b []byte) (diagnosed, noEvidence int, err error) {
	err = walk(b, 1, func(rs []byte) error {
		return walk(rs, 2, func(ss []byte) error {
			return walk(ss, 2, func(span []byte) error {
				category, none := false, false
				err := walk(span, 9, func(kv []byte) error {
					key, value, err := keyValue(kv)
					switch {
					case err != nil:
						return err
					case bytes.Equal(key, categoryKey):
						category = true
					case bytes.Equal(key, causeKey):
						none = bytes.Equal(value, noEvidenceValue)
					}
					return nil
				})
				if category {
					diagnosed++
					if none {
						noEvidence++
					}
				}
				return err
			})
		})
	})
	return diagnosed, noEvidence, err
}

var (
	categoryKey     = []byte("diagnosis.category")
	causeKey        = []byte("diagnosis.cause")
	noEvidenceValue = []byte("no_evidence")
)

// keyValue reads a KeyValue's key and, when its value is a string, the
// string (nil otherwise).
func keyValue(kv []byte) (key, str []byte, err error) {
	err = walkFields(kv, func(n protowire.Number, v []byte) error {
		switch n {
		case 1:
			key = v
		case 2:
			return walkFields(v, func(n protowire.Number, s []byte) error {
				if n == 1 {
					str = s
				}
				return nil
			})
		}
		return nil
	})
	return key, str, err
}

// walkFields calls f on every length-delimited field of message b.
func walkFields(b []byte, f func(protowire.Number, []byte) error) error {
	for len(b) > 0 {
		n, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			return protowire.ParseError(l)
		}
		b = b[l:]
		if typ == protowire.BytesType {
			v, l := protowire.ConsumeBytes(b)
			if l < 0 {
				return protowire.ParseError(l)
			}
			if err := f(n, v); err != nil {
				return err
			}
			b = b[l:]
			continue
		}
		l = protowire.ConsumeFieldValue(n, typ, b)
		if l < 0 {
			return protowire.ParseError(l)
		}
		b = b[l:]
	}
	return nil
}

package readings // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/readings"

import "go.opentelemetry.io/collector/pdata/pcommon"

// maxIdentityField caps each identity attribute kept in a key, so that a
// key stays small whatever a resource carries; spans and metrics of one
// SDK carry the same resource, so both sides cut the same way.
const maxIdentityField = 256

const sep = 0x1f

// appendKey appends the identity of a resource to b: service.name,
// service.namespace and service.instance.id; without an instance id, the
// host, container and pod that tell instances of one service apart.
// ok is false when the resource names no instance at all: its readings
// could not be told from another's.
func appendKey(b []byte, attrs pcommon.Map) (_ []byte, ok bool) {
	svc := str(attrs, attrServiceName)
	ns := str(attrs, attrServiceNamespace)
	if inst := str(attrs, attrServiceInstance); inst != "" {
		b = append(b, 'i')
		b = appendField(b, svc)
		b = appendField(b, ns)
		return appendField(b, inst), true
	}
	host, ctr := str(attrs, attrHostName), str(attrs, attrContainerID)
	pod := str(attrs, attrPodUID)
	if pod == "" {
		pod = str(attrs, attrPodName)
	}
	if svc == "" && host == "" && ctr == "" && pod == "" {
		return b, false
	}
	return appendPlace(b, svc, ns, host, ctr, pod), true
}

// appendHostKey appends the identity of a host-wide resource (the
// hostmetrics receiver's, which names only the host) of the host of attrs.
func appendHostKey(b []byte, attrs pcommon.Map) (_ []byte, ok bool) {
	host := str(attrs, attrHostName)
	if host == "" {
		return b, false
	}
	return appendPlace(b, "", "", host, "", ""), true
}

func appendPlace(b []byte, svc, ns, host, ctr, pod string) []byte {
	b = append(b, 'h')
	for _, f := range [...]string{svc, ns, host, ctr, pod} {
		b = appendField(b, f)
	}
	return b
}

func appendField(b []byte, s string) []byte {
	if len(s) > maxIdentityField {
		s = s[:maxIdentityField]
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == sep { // so that no two identities make one key
			c = ' '
		}
		b = append(b, c)
	}
	return append(b, sep)
}

// str is the string value of key, "" when absent or not a string.
func str(attrs pcommon.Map, key string) string {
	if v, ok := attrs.Get(key); ok && v.Type() == pcommon.ValueTypeStr {
		return v.Str()
	}
	return ""
}

// firstStr is the string value of the first of keys present.
func firstStr(attrs pcommon.Map, keys []string) string {
	for _, k := range keys {
		if v, ok := attrs.Get(k); ok {
			if v.Type() == pcommon.ValueTypeStr {
				return v.Str()
			}
			return ""
		}
	}
	return ""
}

package stackframe

import "strings"

// walked is a frame as walk gives it, with the source line Python prints
// under it ("" for the other languages).
type walked struct {
	frame
	source string
}

// section is one exception of a chain as printed: its frames in print
// order, and whether it is off the failing path (Java's "Suppressed:").
type section struct {
	frames  []walked
	ignored bool
}

// parse splits a stack trace into the sections of its exception chain, in
// print order; the language is the first row that parses a line (hit is
// told its name). nil when no line is a frame of a known language.
func parse(stacktrace string, hit func(string)) (*language, []section) {
	var lang *language
	var sections []section
	cur := section{}
	line, rest := nextLine(stacktrace)
	for lines := 0; (line != "" || rest != "") && lines < maxLines; lines++ {
		var next string
		next, rest = nextLine(rest)
		if lang == nil {
			for i := range languages {
				if _, ok := languages[i].parse(line, next); ok {
					lang = &languages[i]
					if hit != nil {
						hit(lang.name)
					}
					break
				}
			}
		}
		if lang != nil {
			switch b := boundaryOf(lang, line); {
			case b != noBoundary:
				sections = append(sections, cur)
				cur = section{ignored: b == ignoredSection}
			case lang.reset != nil && lang.reset(line):
				cur = section{ignored: cur.ignored}
			default:
				if fr, ok := lang.parse(line, next); ok && !cur.ignored && !hasControl(fr) {
					w := walked{frame: fr}
					if lang.name == "python" && !strings.HasPrefix(strings.TrimSpace(next), "File ") {
						w.source = strings.TrimSpace(next)
					}
					cur.frames = append(cur.frames, w)
				}
			}
		}
		line = next
	}
	if lang == nil {
		return nil, nil
	}
	return lang, append(sections, cur)
}

// walk calls f with the frames of a stack trace in the order the failure
// travelled: from where the innermost exception of the chain was raised
// outwards, then the frames of each enclosing exception. Frames of ignored
// sections are left out; f returns false to stop.
func walk(stacktrace string, f func(lang *language, w walked) bool) {
	lang, sections := parse(stacktrace, nil)
	// The innermost exception first: printed first by Python and .NET, last
	// by the others.
	for k := range sections {
		s := sections[len(sections)-1-k]
		if lang.deepestFirst {
			s = sections[k]
		}
		// Within a section the raising frame first: printed last by Python.
		for j := range s.frames {
			w := s.frames[j]
			if lang.bottomFirst {
				w = s.frames[len(s.frames)-1-j]
			}
			if !f(lang, w) {
				return
			}
		}
	}
}

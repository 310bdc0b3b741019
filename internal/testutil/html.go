package testutil

// OpensTag reports whether s has a "<" that an HTML tokenizer would read as the start of a
// tag, an end tag, a comment or a declaration: what the fuzz tests require the cleaned text
// of an opinion never to hold.
func OpensTag(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '<' {
			continue
		}
		c := s[i+1]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '/' || c == '!' || c == '?' {
			return true
		}
	}
	return false
}

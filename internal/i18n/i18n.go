// Package i18n translates message keys into Vietnamese or English. Locale files are flat
// key → text maps, Vietnamese first; code passes keys, never sentences.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"golang.org/x/text/language"
)

// Languages the portal speaks; the first is the default.
const (
	VI = "vi"
	EN = "en"
)

// Each language has a folder of JSON files, one per area of the portal; they are merged,
// and a key defined twice is a mistake caught at start.
//
//go:embed locales/vi/*.json locales/en/*.json
var files embed.FS

var catalogs = map[string]map[string]string{}

func init() {
	for _, lang := range []string{VI, EN} {
		names, err := fs.Glob(files, "locales/"+lang+"/*.json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		for _, name := range names {
			raw, err := files.ReadFile(name)
			if err != nil {
				panic(err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(raw, &part); err != nil {
				panic(fmt.Sprintf("%s: %v", name, err))
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					panic(fmt.Sprintf("%s: key %q is defined twice", name, k))
				}
				m[k] = v
			}
		}
		catalogs[lang] = m
	}
}

// Keys returns every key of a language, for the test that both files match.
func Keys(lang string) []string {
	var keys []string
	for k := range catalogs[lang] {
		keys = append(keys, k)
	}
	return keys
}

// Has reports whether a key exists in the Vietnamese catalogue.
func Has(key string) bool {
	_, ok := catalogs[VI][key]
	return ok
}

// T returns the text of key in lang, formatted with args (fmt verbs such as %d or %[1]s).
// A key missing in English falls back to Vietnamese; a key missing everywhere is returned
// as is, so a forgotten translation shows up instead of an empty string.
func T(lang, key string, args ...any) string {
	text, ok := catalogs[lang][key]
	if !ok {
		if text, ok = catalogs[VI][key]; !ok {
			return key
		}
	}
	// A text without a verb is returned as is: arguments it does not show must never
	// print Go's "%!(EXTRA …)" on a page.
	if len(args) > 0 && strings.Contains(text, "%") {
		return fmt.Sprintf(text, args...)
	}
	return text
}

// N is T for a text about n things: where the language has a singular form, key+".one"
// is used for exactly one ("1 rating", not "1 ratings"). Vietnamese has no plural, so its
// ".one" texts read as the plain ones.
func N(lang, key string, n any, args ...any) string {
	one := false
	switch v := n.(type) {
	case int:
		one = v == 1
	case int64:
		one = v == 1
	}
	if one {
		if _, ok := catalogs[lang][key+".one"]; ok {
			key += ".one"
		}
	}
	return T(lang, key, args...)
}

var matcher = language.NewMatcher([]language.Tag{language.Vietnamese, language.English})

// Negotiate picks the language: an explicit choice (cookie or query) wins, then Accept-Language,
// then Vietnamese.
func Negotiate(choice, acceptLanguage string) string {
	switch strings.ToLower(choice) {
	case VI, EN:
		return strings.ToLower(choice)
	}
	if acceptLanguage == "" {
		return VI
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return VI
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return VI
	}
	if idx == 1 {
		return EN
	}
	return VI
}

// Package assets holds the data the kiosk ships with, embedded in the
// binaries: the sample catalogue (事项目录 and 政务公开) published by a new
// hall as version 1. Sources and licences are in README.md.
package assets

import _ "embed"

// SampleCatalog is the bundled sample catalogue of the fictional city 清河市.
//
//go:embed catalog/catalog.json
var SampleCatalog []byte

package i18n

import _ "embed"

// MaintZH is the maintenance screens' text (ui/maint), in Chinese only:
// the technicians who service the terminals read Chinese. A separate file
// so the citizen screens' translations (zh.json, en.json) stay about
// citizens.
//
//go:embed maint.zh.json
var MaintZH []byte

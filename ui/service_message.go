package ui

// SetServiceMessage shows msg on the attract screen until it is cleared
// with "" (the hall's set_maintenance_message command, e.g.
// "本机暂停服务，请到其他终端办理"). Call it on the UI goroutine.
func (k *Kiosk) SetServiceMessage(msg string) {
	if k.serviceMsg == msg {
		return
	}
	k.serviceMsg = msg
	if _, ok := k.cur.(attract); ok {
		k.render()
	}
}

// ServiceMessage is the message SetServiceMessage set.
func (k *Kiosk) ServiceMessage() string { return k.serviceMsg }

package uitest

import (
	"fmt"

	"govkiosk/kiosk"
)

// withCheck completes 17 digits with their GB 11643 check character.
func withCheck(first17 string) string {
	c, err := kiosk.IDCheckChar(first17)
	if err != nil {
		panic(fmt.Sprintf("uitest: %s: %v", first17, err))
	}
	return first17 + string(c)
}

// Card is a fixture ID card: a fictional resident of 清河市.
func Card() *kiosk.Identity {
	return &kiosk.Identity{
		CardType: kiosk.CardResident, Name: "测试甲", Gender: "男", Nation: "汉",
		BirthDate: "1949-12-31", Address: "清河市望江路1号", IDNumber: withCheck("11010519491231002"),
		Issuer: "清河市公安局望江分局", ValidFrom: "2019-01-01", ValidUntil: "长期",
		Photo: []byte{9, 9, 9}, Source: "idcard",
	}
}

// SecondCard is another fictional citizen.
func SecondCard() *kiosk.Identity {
	return &kiosk.Identity{
		CardType: kiosk.CardResident, Name: "欧阳小明", Gender: "女", Nation: "汉",
		BirthDate: "1988-05-20", Address: "清河市东湖大道29号", IDNumber: withCheck("33010219880520004"),
		ValidFrom: "2016-03-01", ValidUntil: "2036-03-01", Source: "idcard",
	}
}

// ExpiredCard is a card past its validity date.
func ExpiredCard() *kiosk.Identity {
	id := SecondCard()
	id.Name, id.ValidFrom, id.ValidUntil = "过期乙", "2006-01-01", "2016-01-01"
	return id
}

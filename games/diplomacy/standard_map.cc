// The classic Diplomacy board in the family's map format, written from the rules' map: the
// 75 provinces (with the browser board's coordinates), the six coasts of Bulgaria, Spain and
// St Petersburg, the adjacencies for armies and for fleets, the home centres and the units
// of spring 1901. Switzerland is impassable and is not a province.
//
// Format, one fact per line:
//   province <abbr> <land|sea|coast> <x> <y> <home power code | neutral | -> <name>
//       (a home power or "neutral" marks a supply centre)
//   coast <abbr>/<coast> <x> <y>
//   army <province>: <provinces an army there may move to>
//   fleet <location>: <locations a fleet there may move to>
//       (adjacencies are symmetric and listed once, under the alphabetically first)
//   unit <power code> <A|F> <location>
#include "games/diplomacy/map.h"

namespace arena::diplomacy {

const Map& Map::standard() {
  static const Map map = Map::parse(R"(
province adr  sea    530  600 -       Adriatic Sea
province aeg  sea    715  715 -       Aegean Sea
province alb  coast  615  620 -       Albania
province ank  coast  885  610 TUR     Ankara
province apu  coast  560  650 -       Apulia
province arm  coast  970  600 -       Armenia
province bal  sea    555  280 -       Baltic Sea
province bar  sea    700   30 -       Barents Sea
province bel  coast  380  395 neutral Belgium
province ber  coast  520  330 GER     Berlin
province bla  sea    860  520 -       Black Sea
province boh  land   575  420 -       Bohemia
province bot  sea    610  225 -       Gulf of Bothnia
province bre  coast  265  445 FRA     Brest
province bud  land   645  505 AUS     Budapest
province bul  coast  730  600 neutral Bulgaria
province bur  land   395  465 -       Burgundy
province cly  coast  250  215 -       Clyde
province con  coast  800  625 TUR     Constantinople
province den  coast  475  265 neutral Denmark
province eas  sea    820  770 -       Eastern Mediterranean
province edi  coast  295  235 ENG     Edinburgh
province eng  sea    240  400 -       English Channel
province fin  coast  640  140 -       Finland
province gal  land   670  435 -       Galicia
province gas  coast  290  525 -       Gascony
province gre  coast  660  685 neutral Greece
province hel  sea    425  300 -       Helgoland Bight
province hol  coast  415  360 neutral Holland
province ion  sea    585  765 -       Ionian Sea
province iri  sea    165  320 -       Irish Sea
province kie  coast  460  340 GER     Kiel
province lon  coast  305  350 ENG     London
province lvn  coast  680  285 -       Livonia
province lvp  coast  262  285 ENG     Liverpool
province lyo  sea    360  640 -       Gulf of Lyon
province mao  sea    130  500 -       Mid-Atlantic Ocean
province mar  coast  360  565 FRA     Marseilles
province mos  land   800  300 RUS     Moscow
province mun  land   470  445 GER     Munich
province naf  coast  240  770 -       North Africa
province nao  sea     90  200 -       North Atlantic Ocean
province nap  coast  570  700 ITA     Naples
province nth  sea    380  250 -       North Sea
province nwg  sea    420   90 -       Norwegian Sea
province nwy  coast  500  160 neutral Norway
province par  land   330  465 FRA     Paris
province pic  coast  335  415 -       Picardy
province pie  coast  430  540 -       Piedmont
province por  coast  125  605 neutral Portugal
province pru  coast  590  320 -       Prussia
province rom  coast  500  635 ITA     Rome
province ruh  land   450  395 -       Ruhr
province rum  coast  735  525 neutral Rumania
province ser  land   650  565 neutral Serbia
province sev  coast  860  420 RUS     Sevastopol
province sil  land   565  365 -       Silesia
province ska  sea    480  215 -       Skagerrak
province smy  coast  860  690 TUR     Smyrna
province spa  coast  230  610 neutral Spain
province stp  coast  760  160 RUS     St Petersburg
province swe  coast  565  205 neutral Sweden
province syr  coast  955  705 -       Syria
province tri  coast  565  540 AUS     Trieste
province tun  coast  410  775 neutral Tunis
province tus  coast  465  600 -       Tuscany
province tyr  land   510  485 -       Tyrolia
province tys  sea    470  700 -       Tyrrhenian Sea
province ukr  land   760  405 -       Ukraine
province ven  coast  485  550 ITA     Venice
province vie  land   575  475 AUS     Vienna
province wal  coast  235  340 -       Wales
province war  land   650  365 RUS     Warsaw
province wes  sea    320  700 -       Western Mediterranean
province yor  coast  305  300 -       Yorkshire
coast bul/ec  775  580
coast bul/sc  715  645
coast spa/nc  215  565
coast spa/sc  265  665
coast stp/nc  785   95
coast stp/sc  715  205
army alb: gre ser tri
army ank: arm con smy
army apu: nap rom ven
army arm: sev smy syr
army bel: bur hol pic ruh
army ber: kie mun pru sil
army boh: gal mun sil tyr vie
army bre: gas par pic
army bud: gal rum ser tri vie
army bul: con gre rum ser
army bur: gas mar mun par pic ruh
army cly: edi lvp
army con: smy
army den: kie swe
army edi: lvp yor
army fin: nwy stp swe
army gal: rum sil ukr vie war
army gas: mar par spa
army gre: ser
army hol: kie ruh
army kie: mun ruh
army lon: wal yor
army lvn: mos pru stp war
army lvp: wal yor
army mar: pie spa
army mos: sev stp ukr war
army mun: ruh sil tyr
army naf: tun
army nap: rom
army nwy: stp swe
army par: pic
army pie: tus tyr ven
army por: spa
army pru: sil war
army rom: tus ven
army rum: ser sev ukr
army ser: tri
army sev: ukr
army sil: war
army smy: syr
army tri: tyr ven vie
army tus: ven
army tyr: ven vie
army ukr: war
army wal: yor
fleet adr: alb apu ion tri ven
fleet aeg: bul/sc con eas gre ion smy
fleet alb: gre ion tri
fleet ank: arm bla con
fleet apu: ion nap ven
fleet arm: bla sev
fleet bal: ber bot den kie lvn pru swe
fleet bar: nwg nwy stp/nc
fleet bel: eng hol nth pic
fleet ber: kie pru
fleet bla: bul/ec con rum sev
fleet bot: fin lvn stp/sc swe
fleet bre: eng gas mao pic
fleet bul/ec: con rum
fleet bul/sc: con gre
fleet cly: edi lvp nao nwg
fleet con: smy
fleet den: hel kie nth ska swe
fleet eas: ion smy syr
fleet edi: nth nwg yor
fleet eng: iri lon mao nth pic wal
fleet fin: stp/sc swe
fleet gas: mao spa/nc
fleet gre: ion
fleet hel: hol kie nth
fleet hol: kie nth
fleet ion: nap tun tys
fleet iri: lvp mao nao wal
fleet lon: nth wal yor
fleet lvn: pru stp/sc
fleet lvp: nao wal
fleet lyo: mar pie spa/sc tus tys wes
fleet mao: naf nao por spa/nc spa/sc wes
fleet mar: pie spa/sc
fleet naf: tun wes
fleet nao: nwg
fleet nap: rom tys
fleet nth: nwg nwy ska yor
fleet nwg: nwy
fleet nwy: ska stp/nc swe
fleet pie: tus
fleet por: spa/nc spa/sc
fleet rom: tus tys
fleet rum: sev
fleet ska: swe
fleet smy: syr
fleet spa/sc: wes
fleet tri: ven
fleet tun: tys wes
fleet tus: tys
fleet tys: wes
unit AUS A bud
unit AUS A vie
unit AUS F tri
unit ENG F edi
unit ENG F lon
unit ENG A lvp
unit FRA F bre
unit FRA A mar
unit FRA A par
unit GER F kie
unit GER A ber
unit GER A mun
unit ITA F nap
unit ITA A rom
unit ITA A ven
unit RUS A war
unit RUS A mos
unit RUS F sev
unit RUS F stp/sc
unit TUR F ank
unit TUR A con
unit TUR A smy
)");
  return map;
}

}  // namespace arena::diplomacy

"""A modest everyday-word map per language (written for this project, general-purpose).

Each line is a group of words people use for the same thing, the everyday word first and the
words help texts tend to use after it; a query word of a group also searches for the others,
with a lower weight. Words are analysed like any text, so inflected forms match too.
"""

from __future__ import annotations

from functools import cache

from knowledge_base.search.analysis import analyse

_GROUPS = {
    "en": """
        wifi wireless network
        internet network online connection
        laptop computer
        pc computer
        screen display monitor
        picture photo image
        pic photo image
        wallpaper background
        delete remove erase
        erase remove delete
        sound audio volume
        loud volume
        quiet volume mute
        speaker audio sound
        headphones headset audio
        mic microphone
        camera webcam
        app application program software
        program application
        sign login log password
        login log password
        locked lock
        freeze freezes hang unresponsive
        broken fix problem
        slow performance
        battery power
        charge battery power
        sleep suspend
        wake resume suspend
        shut power off
        restart reboot
        keyboard key type typing
        mouse pointer touchpad
        trackpad touchpad
        font text size
        bigger larger zoom
        language keyboard layout
        folder directory
        backup back copy
        stick usb drive
        print printer
        bluetooth wireless
        brightness brighter dimmer
        dark night light
        time clock date
        hotspot share connection
        beep alert sound
        brighter brightness
        darker brightness dim
        airplane flight
        plane airplane
        flight airplane
        gps location
    """,
    "pl": """
        wifi sieć bezprzewodowy
        internet sieć połączenie
        laptop komputer
        ekran monitor wyświetlacz
        zdjęcie obraz fotografia
        tapeta tło
        usunąć skasować
        skasować usunąć
        dźwięk głośność audio
        głośnik dźwięk
        słuchawki dźwięk
        mikrofon dźwięk
        kamera kamerka
        aplikacja program
        apka program
        hasło logowanie
        zalogować logowanie
        zawiesza zawieszać
        wolny wydajność
        bateria akumulator zasilanie
        ładować akumulator
        uśpienie wstrzymanie
        usypiać wstrzymanie
        obudzić wstrzymanie
        wyłączyć zasilanie
        klawiatura klawisz
        mysz kursor
        touchpad panel dotykowy
        czcionka tekst
        większy powiększenie
        folder katalog
        kopia zapasowy
        pendrive usb nośnik
        drukować drukarka
        jasność ekran
        godzina zegar czas
        rozjaśnić jasność
        przyciemnić jasność
        bateria akumulator
        samolot samolotowy
        pikanie dźwięk powiadomienie
        trzeszczeć trzask
    """,
    "cs": """
        wifi síť bezdrátový
        internet síť připojení
        notebook počítač
        laptop počítač
        obrazovka displej monitor
        fotka fotografie obrázek
        tapeta pozadí
        smazat odstranit
        vymazat odstranit
        zvuk hlasitost
        repráček reproduktor
        sluchátka zvuk
        mikrofon zvuk
        kamera webkamera
        aplikace program
        appka aplikace
        heslo přihlášení
        přihlásit přihlášení
        zamrzat zamrznout
        pomalý výkon
        baterie napájení
        nabíjet baterie
        uspat uspání
        spánek uspání
        probudit uspání
        vypnout napájení
        klávesnice klávesa
        myš ukazatel
        touchpad dotykový
        písmo text
        větší zvětšení
        složka adresář
        záloha zálohování
        flashka usb disk
        tisknout tiskárna
        jas obrazovka
        hodiny čas
        zesvětlit jas
        ztmavit jas ztmavnout
        letadlo letadlový
        pípání zvuk upozornění
        praskat praskání
    """,
    "ru": """
        вайфай wifi беспроводной сеть
        wifi беспроводной сеть
        интернет сеть подключение соединение
        ноутбук компьютер
        экран дисплей монитор
        фотка фотография изображение
        картинка изображение
        обои фон
        удалить стереть
        звук громкость аудио
        колонка динамик звук
        наушники звук
        микрофон звук
        камера веб-камера
        приложение программа
        прога программа
        пароль вход
        зависать зависание
        тормозить производительность медленный
        батарея аккумулятор питание
        зарядка аккумулятор
        сон ждущий спящий
        выключить питание
        перезагрузить перезапуск
        клавиатура клавиша
        мышь мышка указатель
        тачпад сенсорный
        шрифт текст
        крупный увеличение
        папка каталог
        бэкап резервный копия
        флешка usb накопитель
        печатать принтер
        яркость экран
        часы время
        полёт авиарежим самолёт
        самолёт авиарежим
        ярче яркость
        темнее яркость
        пищать звук оповещение
        вай wi fi беспроводной
        фай fi wi беспроводной
        вайфай wi fi
        wifi wi fi
        вафля wi fi беспроводной
        инет интернет сеть
        роутер маршрутизатор точка доступ
        раздать точка доступ
        хотспот точка доступ
        айпи ip адрес
        впн vpn
        фаервол межсетевой экран
        файрвол межсетевой экран
        брандмауэр межсетевой экран
        блютуз bluetooth
        блютус bluetooth
        сопрячь сопряжение bluetooth
        комп компьютер
        ноут ноутбук
        глючить проблема неполадка
        лагать медленно производительность
        тупить медленно производительность
        виснуть зависнуть
        сломаться неисправный повредить
        вырубаться выключить
        тухнуть гаснуть
        потухнуть гаснуть
        погаснуть гаснуть
        засыпать ожидание приостановить
        уснуть ожидание приостановить
        спящий ожидание приостановить
        гибернация ожидание приостановить
        сон ожидание приостановить
        проснуться пробудить ожидание
        разбудить пробудить ожидание
        садиться разрядиться заряд аккумулятор
        разрядиться заряд аккумулятор
        зарядка заряд аккумулятор
        батарейка аккумулятор
        розетка электросеть питание
        греться нагреться температура
        горячий нагреться
        перегрев нагреться температура
        кулер вентилятор
        шуметь вентилятор
        скриншот снимок экран
        скрин снимок экран
        тихо громкость
        громко громкость
        тише громкость
        громче громкость
        динамик аудиоколонка колонка
        колонка аудиоколонка динамик
        гарнитура наушники микрофон
        трещать треск
        хрипеть треск
        шипеть треск
        уведомление оповещение
        вебка камера
        вебкамера камера
        флешка носитель съёмный
        флэшка флешка usb носитель
        винчестер жёсткий диск
        хард жёсткий диск
        ssd диск
        кардридер карта память
        картридж чернила тонер
        краска чернила тонер
        застрять замятие бумага
        зажевать замятие бумага
        распечатать печать принтер
        аккаунт учётный запись
        учётка учётный запись
        логин учётный запись вход
        админ администратор административный полномочие
        права полномочие административный
        раскладка клавиатура язык
        язык раскладка
        сочетание комбинация клавиша
        горячий комбинация клавиша
        шорткат комбинация клавиша
        клава клавиатура
        залипать повторный клавиша
        кликнуть нажать
        клик нажатие
        щёлкнуть нажать
        стрелка указатель
        курсор указатель
        колёсико прокрутка
        скролл прокрутка
        листать прокрутка
        левша левый рука
        буква текст
        мелкий размер текст масштаб
        крупнее размер увеличить масштаб
        шрифт размер текст
        синий ночной свет цветовой температура
        глаз ночной свет яркость
        тусклый яркость
        бэкап резервный копия
        мусор корзина
        кэш временный
        геолокация местоположение
        gps местоположение
        браузер веб
        почта электронный письмо
        мейл почта электронный
        емейл почта электронный
        email почта электронный
        проектор монитор дополнительный
        дрова драйвер
        апдейт обновление
        поменять изменить сменить
        менять изменить сменить
        убрать удалить отключить
        выключить отключить
        отключить выключить
        поставить установить
        скачать загрузить
        узнать определить проверить
        посмотреть проверить просмотр
        пропасть отсутствовать нет
        исчезнуть отсутствовать нет
        видеть обнаружить
        зайти войти вход
        вернуть восстановить
        подключить соединить соединение
        соединить подключить подключение
        больше увеличить
        меньше уменьшить
        долго медленно
        быстро скорость
        найти поиск
    """,
}


@cache
def _table(lang: str) -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for line in _GROUPS.get(lang, "").strip().splitlines():
        terms = list(dict.fromkeys(analyse(line, lang)))
        head, others = terms[0], terms[1:]
        table.setdefault(head, []).extend(t for t in others if t != head)
    return {term: tuple(dict.fromkeys(extra)) for term, extra in table.items()}


def related(term: str, lang: str) -> tuple[str, ...]:
    """Index terms to search for along with the query term `term` (often none): its everyday-word
    group and, in Russian, its relational adjective or noun (`families.relatives`)."""
    listed = _table(lang).get(term, ())
    if lang != "ru":
        return listed
    from knowledge_base.search.families import relatives

    return tuple(dict.fromkeys([*listed, *(t for t in relatives(term) if t != term)]))

"""Pools the demo generator combines into plausible people and organisations (see demo.py).

People: Mainland names in Simplified characters with Pinyin, Hong Kong and Macao names in Traditional
characters with the Hong Kong spelling, Taiwan names in Traditional characters, international names in Latin
letters from one naming culture each. Companies: city, brand, industry and legal form, as registered in the
Mainland ("深圳市博远生物科技有限公司", "Shenzhen Boyuan Biotechnology Co., Ltd.") or in Hong Kong
("明浪科技有限公司", "Brightwave Technology Limited"). Pools are sized so that every generated name is unique
at the benchmark scale (tests/registry/test_demo.py checks it at scale 1); no name carries a number.
"""

# Mainland surnames by frequency (the first ones weigh more), then four compound surnames.
MAINLAND_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申"
)
MAINLAND_COMPOUND_SURNAMES = ("欧阳", "上官", "司马", "诸葛")
MAINLAND_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚英华玉萍红玲兰飞鹏辉斌宇浩凯健俊帆旭宁龙林欣瑶怡婷雪琳晨睿哲轩博"
    "文思嘉涵雨彤家志诗永德子梓梦佳晶晗悦铭鑫昊然泽宸航皓楠璐倩颖慧雅琪蕾薇岚璇莹婧妍琦洁燕蓉菲露瑾萱一心安宏"
    "建国海波峰毅东振立新春亮晓成清天云智勤玮诚锦程逸卓远澄弘彦骏翔若晴荣秋冰月星钰沐凡舒"
)
# Hong Kong surnames by frequency (every one is in hetao.core.chinese.HONG_KONG_SURNAMES).
HONG_KONG_SURNAMES = (
    "陳李張黃王劉林吳何梁鄭楊周許鄧馮曾羅謝蔡麥葉郭朱余盧蘇潘鍾彭唐袁徐區孔江雷侯龍譚莫文方關鄺姚馬胡高杜伍岑石"
    "蕭程趙溫黎古廖陸韋范戴湯顧嚴甘孫邱傅鄒莊邵施沈冼薛尹金簡龔葛賴呂顏魏柯鮑丁陶曹崔田董屈游丘俞阮容翁"
)
HONG_KONG_COMPOUND_SURNAMES = ("歐陽", "司徒")
HONG_KONG_GIVEN = (
    "嘉欣詠詩美慧家俊偉志明浩文健大子穎琪婷倩樂晴軒傑豪永國華強德輝耀光敏麗玲芳婉卓朗希晉諾天海凱承思雅珊燕芷"
    "瑩佩淑秀曉善君立信皓翰錦寶兆達泰鴻銘彥峰宏業賢鈞康盈潔雯蕙妍怡靖莉恩霖晞澄泓浚駿熙謙昊宇楠喬瑋綺蔚嵐婕璇"
    "頌逸廷安心雪冰月星紫梓洛悅"
)

# International researchers: (given names, family names, family name first) per naming culture.
INTERNATIONAL = {
    "english": (
        ["James", "Oliver", "Emily", "Charlotte", "William", "Sophie", "Thomas", "Hannah", "Daniel", "Grace",
         "Benjamin", "Lucy", "Samuel", "Alice", "Matthew", "Eleanor", "Henry", "Olivia", "George", "Amelia",
         "Jack", "Isabel", "Edward", "Harriet", "Michael", "Rachel", "Andrew", "Laura", "Peter", "Catherine"],
        ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Davies", "Evans", "Roberts", "Walker",
         "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris",
         "Clarke", "Lewis", "Jackson", "Turner", "Hill", "Moore", "Cooper", "Ward", "Morgan", "Bennett"], False),
    "german": (
        ["Lukas", "Jonas", "Felix", "Maximilian", "Leon", "Paul", "Tobias", "Sebastian", "Florian", "Johannes",
         "Anna", "Lena", "Julia", "Katharina", "Marie", "Leonie", "Clara", "Matthias", "Stefan", "Andreas",
         "Christian", "Sabine", "Petra", "Ulrike", "Birgit", "Claudia", "Jürgen", "Wolfgang", "Greta", "Jannik"],
        ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
         "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Braun", "Zimmermann", "Hartmann",
         "Krüger", "Lange", "Werner", "Krause", "Lehmann", "Köhler", "Maier", "Huber", "Keller", "Vogel"], False),
    "french": (
        ["Louis", "Gabriel", "Hugo", "Arthur", "Jules", "Antoine", "Nicolas", "Julien", "Mathieu", "Pierre",
         "Camille", "Chloé", "Léa", "Manon", "Inès", "Juliette", "Émilie", "Claire", "Marion", "Céline",
         "Aurélie", "Thibault", "Guillaume", "Étienne", "Margaux", "Benoît", "Mathilde", "Hélène", "Rémi", "Zoé"],
        ["Martin", "Bernard", "Dubois", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
         "Laurent", "Lefebvre", "Michel", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André",
         "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Rousseau", "Blanc", "Guerin", "Faure", "Chevalier"],
        False),
    "italian": (
        ["Marco", "Luca", "Giuseppe", "Alessandro", "Francesco", "Matteo", "Lorenzo", "Andrea", "Davide", "Simone",
         "Giulia", "Chiara", "Francesca", "Sara", "Martina", "Elena", "Valentina", "Federica", "Alessia", "Silvia",
         "Riccardo", "Tommaso", "Giorgia", "Beatrice", "Stefano", "Paolo", "Roberta", "Ilaria", "Fabio", "Noemi"],
        ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
         "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
         "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone"],
        False),
    "spanish": (
        ["Mateo", "Santiago", "Diego", "Javier", "Carlos", "Alejandro", "Pablo", "Miguel", "Sergio", "Álvaro",
         "Lucía", "Sofía", "Martina", "Paula", "Carmen", "Elena", "Marta", "Laura", "Isabel", "Ana",
         "Hugo", "Daniel", "Adrián", "Raúl", "Irene", "Cristina", "Nuria", "Rocío", "Gonzalo", "Andrés"],
        ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín",
         "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Navarro", "Torres",
         "Domínguez", "Vázquez", "Ramos", "Gil", "Serrano", "Blanco", "Molina", "Castro", "Ortiz", "Rubio"], False),
    "portuguese": (
        ["João", "Pedro", "Tiago", "Rafael", "Miguel", "Gonçalo", "Diogo", "Rodrigo", "Bruno", "Ricardo",
         "Inês", "Beatriz", "Mariana", "Leonor", "Matilde", "Carolina", "Ana", "Joana", "Catarina", "Sofia",
         "Lucas", "Gabriel", "Felipe", "Larissa", "Camila", "Luana", "Thiago", "Vinícius", "Letícia", "Renata"],
        ["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Jesus", "Sousa",
         "Fernandes", "Gonçalves", "Gomes", "Lopes", "Marques", "Alves", "Almeida", "Ribeiro", "Pinto", "Carvalho",
         "Teixeira", "Moreira", "Correia", "Mendes", "Nunes", "Soares", "Vieira", "Monteiro", "Cardoso", "Rocha"],
        False),
    "dutch": (
        ["Daan", "Sem", "Lucas", "Bram", "Thijs", "Jesse", "Ruben", "Sanne", "Lotte", "Femke",
         "Eva", "Anouk", "Fleur", "Maarten", "Joost", "Pieter", "Niels", "Floor", "Iris", "Sven",
         "Jeroen", "Wouter", "Marieke", "Esther", "Koen", "Bas", "Roos", "Ilse", "Stijn", "Tessa"],
        ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
         "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
         "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs", "Vermeulen",
         "van der Linden", "Verhoeven"], False),
    "nordic": (
        ["Erik", "Lars", "Anders", "Johan", "Karl", "Nils", "Oskar", "Axel", "Gustav", "Henrik",
         "Astrid", "Ingrid", "Elin", "Maja", "Ebba", "Linnea", "Saga", "Frida", "Karin", "Sigrid",
         "Magnus", "Mikael", "Fredrik", "Emil", "Sofie", "Mette", "Freja", "Kristian", "Ida", "Liv"],
        ["Johansson", "Andersson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
         "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindqvist", "Berg", "Lindström", "Bergström",
         "Lundgren", "Sandberg", "Holm", "Hansen", "Jensen", "Nielsen", "Pedersen", "Kristensen", "Larsen",
         "Sørensen", "Rasmussen", "Virtanen", "Korhonen"], False),
    "japanese": (
        ["Hiroshi", "Takeshi", "Kenji", "Haruto", "Yuto", "Sota", "Daiki", "Kaito", "Ren", "Shota",
         "Yuki", "Aoi", "Sakura", "Hina", "Yui", "Mio", "Rin", "Emi", "Naoko", "Keiko",
         "Akiko", "Tomoko", "Kazuki", "Ryo", "Satoshi", "Takumi", "Yusuke", "Haruka", "Misaki", "Ayaka"],
        ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
         "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue", "Kimura", "Hayashi", "Shimizu",
         "Yamazaki", "Mori", "Abe", "Ikeda", "Hashimoto", "Ishikawa", "Ogawa", "Fujita", "Okada", "Goto",
         "Hasegawa"], False),
    "korean": (
        ["Min-jun", "Seo-yeon", "Ji-hoon", "Ji-woo", "Hyun-woo", "Seo-jun", "Do-yun", "Ha-eun", "Su-bin", "Ye-jin",
         "Jae-won", "Min-seo", "Eun-ji", "Sung-min", "Dong-hyun", "Yu-na", "Jin-woo", "Hye-jin", "Kyung-soo",
         "Soo-ah", "Tae-yang", "Ji-min", "Seung-hyun", "Na-yeon", "Joon-ho", "Da-eun", "Hyo-jin", "Woo-jin",
         "Chae-won", "Sang-woo"],
        ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo", "Shin",
         "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong", "Jeon", "Ko", "Moon", "Yang", "Son", "Bae", "Baek", "Heo",
         "Nam", "Noh"], True),
    "indian": (
        ["Aarav", "Vivaan", "Aditya", "Arjun", "Rohan", "Rahul", "Vikram", "Karthik", "Siddharth", "Anil",
         "Priya", "Ananya", "Diya", "Kavya", "Meera", "Neha", "Pooja", "Shreya", "Sunita", "Lakshmi",
         "Ravi", "Sanjay", "Deepak", "Nikhil", "Aisha", "Varun", "Ishaan", "Tanvi", "Divya", "Harish"],
        ["Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Rao", "Mehta", "Joshi", "Desai",
         "Chatterjee", "Banerjee", "Mukherjee", "Agarwal", "Menon", "Pillai", "Kapoor", "Malhotra", "Verma", "Bhat",
         "Shah", "Das", "Krishnan", "Bose", "Saxena", "Chopra", "Srinivasan", "Naidu"], False),
    "arabic": (
        ["Ahmed", "Mohammed", "Omar", "Youssef", "Khalid", "Karim", "Tariq", "Samir", "Rami", "Hassan",
         "Layla", "Fatima", "Nour", "Yasmin", "Rania", "Salma", "Mariam", "Huda", "Dina", "Leila",
         "Ali", "Bilal", "Faisal", "Nabil", "Ziad", "Amira", "Hala", "Reem", "Sara", "Zainab"],
        ["Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Hassan", "Ibrahim", "Aziz", "Farouk", "Rahman",
         "Hamdan", "Saadi", "Khoury", "Najjar", "Awad", "Barakat", "Darwish", "Habib", "Jaber", "Kassem",
         "Mahmoud", "Nassar", "Qasim", "Rashid", "Salem", "Shami", "Taha", "Yousef", "Zaki", "Hariri"], False),
}
# A middle initial is the pool's last dimension, used only when a culture's plain names run out (large scales).
MIDDLE_INITIALS = "ABCDEFGHJKLMNPRSTW"

# Mainland cities: Chinese, English, the region code their Unified Social Credit Codes carry, weight.
MAINLAND_CITIES = [
    ("深圳", "Shenzhen", "440300", 12), ("广州", "Guangzhou", "440100", 3), ("东莞", "Dongguan", "441900", 2),
    ("佛山", "Foshan", "440600", 1), ("珠海", "Zhuhai", "440400", 1), ("惠州", "Huizhou", "441300", 1),
    ("上海", "Shanghai", "310115", 2), ("北京", "Beijing", "110108", 2), ("杭州", "Hangzhou", "330106", 1),
    ("苏州", "Suzhou", "320505", 1), ("南京", "Nanjing", "320113", 1), ("武汉", "Wuhan", "420111", 1),
    ("成都", "Chengdu", "510107", 1), ("西安", "Xi'an", "610131", 1), ("合肥", "Hefei", "340111", 1),
    ("天津", "Tianjin", "120116", 1),
]
# Brand names (字号) are two characters, one from each pool; English spells them in Pinyin.
BRAND_HEADS = "华博启鹏智星海天云灵恒新睿联科融量深瑞中安嘉优汇信众凯德宏腾达泰盛卓越飞光晶芯微澜元"
BRAND_TAILS = "创远明程湾芯思纳工动准域源禾图辰拓维诺驰迅峰翔桥途锐格能视谱"
# Industry: Simplified, Traditional (Hong Kong wording), English, and a line for the description.
INDUSTRIES = [
    ("科技", "科技", "Technology", "technology research and development"),
    ("生物科技", "生物科技", "Biotechnology", "biotechnology"),
    ("新材料", "新材料", "New Materials", "new materials"),
    ("智能科技", "智能科技", "Intelligent Technology", "intelligent systems"),
    ("电子", "電子", "Electronics", "electronics"),
    ("医疗器械", "醫療器械", "Medical Devices", "medical devices"),
    ("新能源", "新能源", "New Energy", "new energy"),
    ("通信技术", "通訊技術", "Communication Technology", "communication technology"),
    ("半导体", "半導體", "Semiconductor", "semiconductors"),
    ("信息技术", "資訊科技", "Information Technology", "information technology"),
    ("机器人", "機械人", "Robotics", "robotics"),
    ("光电", "光電", "Optoelectronics", "optoelectronics"),
    ("生物医药", "生物醫藥", "Biopharmaceutical", "biopharmaceuticals"),
    ("精密仪器", "精密儀器", "Precision Instruments", "precision instruments"),
    ("软件", "軟件", "Software", "software"),
    ("数据科技", "數據科技", "Data Technology", "data technology"),
    ("量子科技", "量子科技", "Quantum Technology", "quantum technology"),
    ("航空科技", "航空科技", "Aviation Technology", "aviation technology"),
    ("储能技术", "儲能技術", "Energy Storage", "energy storage"),
    ("微电子", "微電子", "Microelectronics", "microelectronics"),
    ("检测技术", "檢測技術", "Testing Technology", "testing and certification"),
    ("自动化", "自動化", "Automation", "automation"),
    ("环保科技", "環保科技", "Environmental Technology", "environmental technology"),
    ("人工智能", "人工智能", "Artificial Intelligence", "artificial intelligence"),
]
# Legal forms: Simplified, English, weight.
MAINLAND_LEGAL_FORMS = [("有限公司", "Co., Ltd.", 8), ("股份有限公司", "Corporation Limited", 1),
                        ("集团有限公司", "Group Co., Ltd.", 1)]
# Hong Kong brands: an English word part with the Chinese character that renders it ("Bright" 明 + "wave" 浪).
HK_BRAND_HEADS = [("Bright", "明"), ("Silver", "銀"), ("Blue", "藍"), ("Golden", "金"), ("Harbour", "港"),
                  ("Jade", "翠"), ("Star", "星"), ("Pearl", "珠"), ("Ocean", "海"), ("Sky", "天"), ("Cloud", "雲"),
                  ("Summit", "峰"), ("Orient", "東"), ("Lion", "獅"), ("Dragon", "龍"), ("Phoenix", "鳳"),
                  ("Ever", "恆"), ("Wise", "智"), ("Swift", "迅"), ("True", "誠"), ("Grand", "宏"), ("Noble", "嘉"),
                  ("Rich", "富"), ("Crest", "冠")]
HK_BRAND_TAILS = [("wave", "浪"), ("stone", "石"), ("bridge", "橋"), ("gate", "門"), ("field", "田"),
                  ("point", "點"), ("light", "光"), ("path", "途"), ("core", "芯"), ("link", "聯"), ("view", "景"),
                  ("rise", "昇"), ("spring", "泉"), ("way", "道"), ("hill", "山"), ("port", "埠"), ("well", "井"),
                  ("mark", "標"), ("bay", "灣"), ("ridge", "嶺")]
# Hong Kong legal forms: Traditional, English, weight; "香港" before the brand in some names.
HK_LEGAL_FORMS = [("有限公司", "Limited", 8), ("國際有限公司", "International Limited", 1),
                  ("控股有限公司", "Holdings Limited", 1)]

GENERATED_NOTE = {
    "en": "Demo record generated to reproduce the zone's published figures; not a real organisation.",
    "zh_hans": "演示数据：为重现合作区公开数据而生成的记录，并非真实机构。",
    "zh_hant": "示範資料：為重現合作區公開數字而產生的紀錄，並非真實機構。",
}

# Fortune Global 500 R&D centres the seeds count but do not name: fictitious groups, one per direction.
# slug, English, Simplified, Traditional, key direction
FORTUNE500_CENTRES = [
    ("helvora-life-sciences", "Helvora Life Sciences Shenzhen R&D Centre", "赫沃拉生命科学深圳研发中心",
     "赫沃拉生命科學深圳研發中心", "life-science"),
    ("quantis-data", "Quantis Data Systems Greater Bay Area Innovation Centre", "宽提斯数据系统大湾区创新中心",
     "寬提斯數據系統大灣區創新中心", "big-data-ai"),
    ("kestrel-automation", "Kestrel Automation Shenzhen Robotics Laboratory", "凯斯卓自动化深圳机器人实验室",
     "凱斯卓自動化深圳機械人實驗室", "robotics"),
    ("nordwave-communications", "Nordwave Communications Shenzhen R&D Centre", "诺德威通信深圳研发中心",
     "諾德威通訊深圳研發中心", "wireless"),
]
# Youth innovation and entrepreneurship bases: slug, English, Simplified, Traditional.
YOUTH_BASES = [
    ("youth-base-hetao", "Hetao Guangdong-Hong Kong-Macao Youth Innovation and Entrepreneurship Base",
     "河套粤港澳青年创新创业基地", "河套粵港澳青年創新創業基地"),
    ("youth-base-cross-boundary", "Hetao Cross-boundary Youth Startup Station", "河套跨境青年创业驿站",
     "河套跨境青年創業驛站"),
    ("youth-base-sci-tech", "Hetao Greater Bay Area Youth Sci-Tech Innovation Centre",
     "河套大湾区青年科技创新中心", "河套大灣區青年科技創新中心"),
    ("youth-base-huanggang", "Huanggang Port Youth Innovation and Entrepreneurship Park",
     "皇岗口岸青年创新创业园", "皇崗口岸青年創新創業園"),
    ("youth-base-makers", "Shenzhen-Hong Kong Youth Maker Space", "深港青年创客空间", "深港青年創客空間"),
]

"""The real zone, as the seed reports describe it (see ../shared/design/FACTS.md).

Chinese names are given only where a seed or the organisation's public name states them; where a person's
Chinese name is not in the seeds it is left empty rather than guessed. Traditional Chinese is derived
with OpenCC (s2hk) unless given; descriptions are written in all three languages, Traditional Chinese in
Hong Kong wording.
"""

from typing import Any

ZONE = {"code": "hetao", "area_km2": "3.89",
        "name_en": "Hetao Shenzhen-Hong Kong Science and Technology Innovation Cooperation Zone",
        "name_zh_hans": "河套深港科技创新合作区", "name_zh_hant": "河套深港科技創新合作區"}

PARKS = [
    {"code": "shenzhen", "region": "mainland", "area_km2": "3.02", "name_en": "Shenzhen Park",
     "name_zh_hans": "深圳园区",
     "description_en": "North of the Shenzhen River, in Futian District. The State Council issued its "
                       "Development Plan in August 2023.",
     "description_zh_hans": "位于深圳河北岸的福田区。国务院于2023年8月印发其发展规划。",
     "description_zh_hant": "位於深圳河北岸的福田區。國務院於2023年8月印發其發展規劃。"},
    {"code": "hong-kong", "region": "hong_kong", "area_km2": "0.87", "name_en": "Hong Kong Park",
     "name_zh_hans": "香港园区",
     "description_en": "The Hong Kong-Shenzhen Innovation and Technology Park in Loop A of the Lok Ma Chau "
                       "Loop, 87 hectares.",
     "description_zh_hans": "位于落马洲河套A区的港深创新及科技园，占地87公顷。",
     "description_zh_hant": "位於落馬洲河套A區的港深創新及科技園，佔地87公頃。"},
]

PORTS = [
    {"code": "futian", "name_en": "Futian Port", "name_zh_hans": "福田口岸"},
    {"code": "huanggang", "name_en": "Huanggang Port", "name_zh_hans": "皇岗口岸"},
]

# code, English, Simplified, principal (the three key directions of the zone)
KEY_DIRECTIONS = [
    ("life-science", "Life science", "生命科学", True),
    ("information-science", "Information science", "信息科学", True),
    ("material-science", "Material science", "材料科学", True),
    ("quantum", "Quantum science", "量子科技", False),
    ("big-data-ai", "Big data and artificial intelligence", "大数据与人工智能", False),
    ("biomedicine", "Biomedicine", "生物医药", False),
    ("integrated-circuits", "Integrated circuits", "集成电路", False),
    ("energy", "Energy technology", "能源科技", False),
    ("robotics", "Robotics", "机器人", False),
    ("autonomous-driving", "Autonomous driving", "自动驾驶", False),
    ("low-altitude", "Low-altitude economy", "低空经济", False),
    ("embodied-intelligence", "Embodied intelligence", "具身智能", False),
    ("wireless", "Wireless communication", "无线通信", False),
    ("ultra-hd-video", "Ultra-HD video", "超高清视频", False),
    ("intelligent-computing", "Intelligent computing", "智能计算", False),
]

# The 13 professional parks of Shenzhen Park; the first is the one the seed names.
PROFESSIONAL_PARKS = [
    ("hksp-shenzhen", "Hong Kong Science Park Shenzhen Branch", "香港科学园深圳分园"),
    ("quantum-valley", "International Quantum Valley", "国际量子谷"),
    ("bay-area-core-valley", "Bay Area Core Valley (integrated circuits)", "湾区芯谷"),
    ("life-science-park", "Life Science Industrial Park", "生命科学产业园"),
    ("ai-park", "Artificial Intelligence Park", "人工智能产业园"),
    ("materials-park", "New Materials Park", "新材料产业园"),
    ("pilot-cluster", "International Industrial Pilot Cluster", "国际产业中试集聚区"),
    ("sci-tech-centre", "Hetao Sci-Tech Innovation Centre", "河套科创中心"),
    ("standards-park", "International Standards Organisations Park", "国际标准组织园"),
    ("youth-base", "Youth Innovation and Entrepreneurship Park", "青年创新创业园"),
    ("energy-park", "Energy Technology Park", "能源科技园"),
    ("robotics-park", "Robotics and Embodied Intelligence Park", "机器人与具身智能园"),
    ("huanggang-port-area", "Huanggang Port Research Area", "皇岗口岸科研片区"),
]

UNIVERSITIES: list[dict[str, Any]] = [  # keyword arguments of DemoPark.add_org
    {"slug": "hku", "name_en": "The University of Hong Kong", "name_zh_hans": "香港大学",
     "aliases": ["HKU", "港大"], "website": "https://www.hku.hk"},
    {"slug": "hkust", "name_en": "The Hong Kong University of Science and Technology",
     "name_zh_hans": "香港科技大学", "aliases": ["HKUST", "港科大", "科大"], "website": "https://hkust.edu.hk"},
    {"slug": "cuhk", "name_en": "The Chinese University of Hong Kong", "name_zh_hans": "香港中文大学",
     "aliases": ["CUHK", "港中大", "中大"], "website": "https://www.cuhk.edu.hk"},
    {"slug": "cityu", "name_en": "City University of Hong Kong", "name_zh_hans": "香港城市大学",
     "aliases": ["CityU", "CityUHK", "城大"], "website": "https://www.cityu.edu.hk"},
    {"slug": "polyu", "name_en": "The Hong Kong Polytechnic University", "name_zh_hans": "香港理工大学",
     "aliases": ["PolyU", "理大"], "website": "https://www.polyu.edu.hk"},
]

# parent slug, slug, English, Simplified, aliases, key directions
UNIVERSITY_INSTITUTES = [
    ("hku", "hku-shenzhen-hospital", "The University of Hong Kong-Shenzhen Hospital", "香港大学深圳医院",
     ["HKU-SZH", "港大深圳医院"], ["life-science", "biomedicine"]),
    ("hkust", "hkust-sz-hk-institute", "HKUST Shenzhen-Hong Kong Collaborative Innovation Research Institute",
     "香港科技大学深港协同创新研究院", ["港科大深港协同创新研究院"], ["information-science", "material-science"]),
    ("cuhk", "cuhk-sz-hk-innovation-institute", "CUHK Shenzhen-Hong Kong Innovation Institute",
     "香港中文大学深港创新研究院", ["港中大深港创新研究院"], ["life-science", "robotics"]),
    ("cityu", "cityu-futian-institute", "CityU Shenzhen Futian Research Institute",
     "香港城市大学深圳福田研究院", ["Institute of Material Science (Futian)", "城大福田研究院"],
     ["material-science"]),
    ("polyu", "polyu-futian-institute", "PolyU Shenzhen Futian Research Institute",
     "香港理工大学深圳福田研究院", ["理大福田研究院"], ["information-science", "energy"]),
]

# slug, kind, English, Simplified, aliases, directions, origin, description (English, Simplified, Traditional)
ORGANISATIONS = [
    ("quantum-institute", "research_institute", "Shenzhen (Futian) International Quantum Research Institute",
     "深圳国际量子研究院", ["SIQA", "量子研究院"], ["quantum"], "mainland",
     ("About 200 researchers, 11 of them from abroad; led by academician Yu Dapeng.",
      "约200名科研人员，其中11名来自海外；由俞大鹏院士领衔。",
      "約200名科研人員，其中11名來自海外；由俞大鵬院士領銜。")),
    ("idea", "research_institute",
     "International Digital Economy Academy (Guangdong-Hong Kong-Macao Greater Bay Area Digital Economy "
     "Research Institute)", "粤港澳大湾区数字经济研究院", ["IDEA"], ["big-data-ai"], "mainland", ""),
    ("gba-big-data-institute", "research_institute", "Greater Bay Area Big Data Research Institute",
     "粤港澳大湾区大数据研究院", [], ["big-data-ai"], "mainland", ""),
    ("towngas-energy-institute", "research_institute", "Towngas Energy Research Institute", "港华能源研究院",
     [], ["energy"], "hong_kong", ""),
    ("united-imaging", "enterprise", "United Imaging", "联影医疗", [], ["life-science"], "mainland",
     ("7T whole-body magnetic resonance imaging.", "7T全身磁共振成像。", "7T全身磁力共振成像。")),
    ("xtalpi", "enterprise", "XtalPi", "晶泰科技", [], ["biomedicine", "big-data-ai"], "mainland",
     ("AI drug discovery; listed in June 2024.", "人工智能药物发现；2024年6月上市。",
      "人工智能藥物發現；2024年6月上市。")),
    ("ccteg-robot", "enterprise", "China Coal Technology & Engineering Robot Technology",
     "中煤科工机器人科技", [], ["robotics", "embodied-intelligence"], "mainland", ""),
    ("kunyun", "enterprise", "Kunyun Information Technology", "鲲云信息科技", ["Corerain"],
     ["integrated-circuits", "big-data-ai"], "mainland", ("Data-flow AI chips; more than 80% of staff in R&D.",
      "数据流人工智能芯片；超过80%的员工从事研发。", "數據流人工智能晶片；超過80%的員工從事研發。")),
    ("shutang", "enterprise", "Shutang Information Technology", "", [], ["life-science"], "hong_kong",
     ("Non-invasive blood glucose monitoring; about 60 staff.", "无创血糖监测；约60名员工。",
      "無創血糖監測；約60名員工。")),
    ("future-robotics", "enterprise", "Future Robotics", "未来机器人", [], ["robotics"], "mainland",
     ("More than 500 staff; over 40% of orders international.", "员工超过500人；逾40%的订单来自海外。",
      "員工超過500人；逾40%的訂單來自海外。")),
    ("deeproute", "enterprise", "DeepRoute.ai", "元戎启行", [], ["autonomous-driving"], "mainland", ""),
    ("calb", "enterprise", "CALB", "中创新航", [], ["energy"], "mainland",
     ("Lithium batteries.", "锂电池。", "鋰電池。")),
    ("apple-lab", "fortune500_rd", "Apple Applied Research Laboratory (Shenzhen)", "苹果深圳应用研究实验室",
     [], ["information-science"], "abroad", ("Announced in March 2024, an investment of more than 1 billion yuan.",
      "2024年3月宣布设立，投资逾10亿元。", "2024年3月宣佈設立，投資逾10億元人民幣。")),
    ("siemens-energy", "fortune500_rd", "Siemens Energy Global Innovation R&D Centre",
     "西门子能源全球创新研发中心", [], ["energy"], "abroad",
     ("Siemens Energy's third global innovation R&D centre.", "西门子能源全球第三个创新研发中心。",
      "西門子能源全球第三個創新研發中心。")),
    ("faw-gba", "fortune500_rd", "FAW Greater Bay Area R&D Institute", "一汽大湾区研发院", [],
     ["autonomous-driving"], "mainland", ""),
    ("stmicro", "fortune500_rd", "STMicroelectronics Shenzhen Innovation Centre", "意法半导体深圳创新中心", [],
     ["integrated-circuits"], "abroad", ""),
    ("sz-government", "public_body", "Shenzhen Municipal People's Government", "深圳市人民政府", [], [],
     "mainland", ""),
    ("futian-district", "public_body", "Futian District People's Government", "福田区人民政府", [], [],
     "mainland", ""),
    ("development-office", "public_body",
     "Shenzhen Park Development Office of the Hetao Shenzhen-Hong Kong S&T Innovation Cooperation Zone",
     "河套深港科技创新合作区深圳园区发展署", ["发展署", "Development Office"], [], "mainland",
     ("Runs the Virtual Park service matrix launched in May 2024.", "负责运营2024年5月上线的虚拟园区服务矩阵。",
      "負責營運2024年5月推出的虛擬園區服務矩陣。")),
    ("hksar-government", "public_body", "Government of the Hong Kong Special Administrative Region",
     "香港特别行政区政府", ["HKSAR Government", "港府"], [], "hong_kong", ""),
    ("nmpa-gba-drugs", "public_body", "NMPA Greater Bay Area Centre for Drug Evaluation and Inspection",
     "国家药品监督管理局药品审评检查大湾区分中心", [], ["biomedicine"], "mainland", ""),
    ("nmpa-gba-devices", "public_body",
     "NMPA Greater Bay Area Centre for Medical Device Evaluation and Inspection",
     "国家药品监督管理局医疗器械技术审评检查大湾区分中心", [], ["biomedicine"], "mainland", ""),
    ("gba-st-fund", "fund", "Greater Bay Area Science and Technology Special Fund", "大湾区科技专项基金",
     [], [], "mainland",
     ("5.1 billion yuan landed in the park.", "已有51亿元落地园区。", "已有51億元人民幣落戶園區。")),
]

# Pilot platforms named in the seeds: slug, English, Simplified, parent (builder) slug, directions
PILOT_PLATFORMS = [
    ("pilot-drug-discovery", "Intelligent Automated Drug Discovery Pilot Platform", "智能化自动化药物发现中试平台",
     "xtalpi", ["biomedicine"]),
    ("pilot-embodied-robotics", "Embodied Intelligence Robot Pilot Platform", "具身智能机器人中试平台",
     "ccteg-robot", ["embodied-intelligence", "robotics"]),
]

# People named in the seeds: English, Simplified (empty where no seed states it), region, organisation,
# role, public role
PEOPLE = [
    ("Yu Dapeng", "俞大鹏", "mainland", "quantum-institute", "dean",
     "Academician of the Chinese Academy of Sciences; dean of the institute"),
    ("Yang Jinglei", "杨晶磊", "hong_kong", "hkust-sz-hk-institute", "dean", "Dean of the institute"),
    ("Zhong Fangxun", "", "hong_kong", "cuhk-sz-hk-innovation-institute", "pi",
     "Executive director of the smart medical robot platform"),
    ("Chen Furong", "陈福荣", "hong_kong", "cityu-futian-institute", "dean",
     "Dean of the institute; desktop electron microscope"),
    ("Li Zebiao", "", "mainland", "cityu-futian-institute", "researcher", "Associate researcher; SERS food sensor"),
    ("Zhou Jun", "周军", "hong_kong", "towngas-energy-institute", "dean", "Executive vice dean"),
    ("Wang Lei", "王磊", "mainland", "ccteg-robot", "executive", "Founder and deputy general manager"),
    ("Niu Xinyu", "牛昕宇", "mainland", "kunyun", "executive", "Founder and CEO"),
    ("He Yaowei", "", "hong_kong", "shutang", "executive", "CEO"),
    ("Li Luyang", "李陆洋", "mainland", "future-robotics", "executive", "Founder and CEO"),
    ("Huang Wei", "黄伟", "mainland", "futian-district", "official", "Mayor of Futian District"),
    ("Ding Ke", "", "hong_kong", "", "executive", "Hong Kong founder of a 3D machine vision company"),
]

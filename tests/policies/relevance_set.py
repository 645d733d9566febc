# ruff: noqa: E501 -- the policy texts read better unbroken.
"""The search relevance set: policies written from the seed articles and real provincial
policies (Hangzhou's graduate living allowances, Changzhou's talent apartments and communities,
Zhejiang's Ten Thousand Talents Program and "Maximum One Visit" reform, Tianjin's Haihe Talent
plan, Binhai's Kunpeng Plan, the talent loan and talent card of Zhejiang's Talent Service Bank),
and labelled queries: what a person types, and the policies they would expect to find.

Query types:
    exact      a word of a title or benefit as written
    compound   a compound word that documents write whole or in parts (住房补贴, 人才公寓)
    partial    a part of a compound word (万人 in 万人计划, 公寓 in 人才公寓) or a single character
    synonym    a word the policies do not use, only its synonym (人才房, 海归, 跑一次)
    multiword  several words, in any order, with or without spaces
    english    English words, other forms of them (subsidies, industries), English synonyms
    mixed      Chinese and English in one query

`tests/policies/test_relevance.py` measures recall@10 and MRR by type; docs/search.md has the
table of the last run.
"""

# key: (region, categories, title_zh, title_en, summary_zh, summary_en, benefits, interpretations)
# benefits: (title_zh, title_en, description_zh, description_en)
# interpretations: (question_zh, question_en, answer_zh, answer_en)
POLICIES = {
    "hz_graduates": (
        "330100",
        ["graduates_internships", "subsidies_awards"],
        "杭州市应届高校毕业生生活补贴申领办法",
        "Hangzhou measures for claiming the living allowance of new college graduates",
        "新引进到杭州工作的全日制本科、硕士、博士毕业生，分别给予1万元、3万元、5万元生活补贴。",
        "Full-time bachelor's, master's and doctoral graduates newly recruited to work in Hangzhou receive a living allowance of 10,000, 30,000 and 50,000 yuan.",
        [
            (
                "本科毕业生生活补贴",
                "Living allowance for bachelor's graduates",
                "一次性发放1万元。",
                "10,000 yuan once.",
            ),
            (
                "博士毕业生生活补贴",
                "Living allowance for doctoral graduates",
                "一次性发放5万元。",
                "50,000 yuan once.",
            ),
        ],
        [
            (
                "毕业几年内可以申领？",
                "Within how many years of graduation may I apply?",
                "毕业五年内首次来杭工作的可以申领。",
                "Within five years of graduation, when you first come to work in Hangzhou.",
            )
        ],
    ),
    "hz_purchase": (
        "330100",
        ["housing", "subsidies_awards"],
        "杭州市高层次人才购房补贴实施细则",
        "Hangzhou rules on the home purchase subsidy for high-level talents",
        "A、B、C类高层次人才在杭州首次购房的，分别给予最高800万元、200万元、150万元购房补贴。",
        "Class A, B and C high-level talents buying their first home in Hangzhou receive a home purchase subsidy of up to 8 million, 2 million and 1.5 million yuan.",
        [
            (
                "高层次人才购房补贴",
                "Home purchase subsidy for high-level talents",
                "分五年发放。",
                "Paid over five years.",
            )
        ],
        [],
    ),
    "nb_rent": (
        "330200",
        ["housing", "subsidies_awards"],
        "宁波市青年人才租房补贴办法",
        "Ningbo measures on rent subsidies for young talents",
        "来甬工作的青年人才在宁波无自有住房的，按月发放租房补贴，最长三年。",
        "Young talents working in Ningbo without a home of their own receive a monthly rent subsidy for up to three years.",
        [
            (
                "青年人才租房补贴",
                "Rent subsidy for young talents",
                "硕士每月1500元，博士每月2500元。",
                "1,500 yuan a month for a master's graduate, 2,500 for a PhD.",
            )
        ],
        [],
    ),
    "cz_apartment": (
        "320400",
        ["housing"],
        "常州市人才公寓管理办法",
        "Changzhou measures for the management of talent apartments",
        "人才公寓面向来常工作的各类人才配租，租金按市场价格的一定比例优惠。",
        "Talent apartments are let to talents who come to work in Changzhou, at a discount on the market rent.",
        [
            (
                "人才公寓租金优惠",
                "Discounted rent in a talent apartment",
                "博士及以上免租三年。",
                "Rent-free for three years for PhDs and above.",
            )
        ],
        [
            (
                "人才公寓可以住多久？",
                "How long may I live in a talent apartment?",
                "租期一般不超过三年。",
                "A lease is usually up to three years.",
            )
        ],
    ),
    "cz_community": (
        "320400",
        ["housing", "services"],
        "常州市人才社区建设实施意见",
        "Changzhou opinions on building talent communities",
        "建设集居住、交流、服务于一体的人才社区，打造人才安居乐业的家园。",
        "Talent communities combine homes, exchange and services, a place where talents settle and thrive.",
        [
            (
                "社区入住租金补贴",
                "Rent subsidy in the community",
                "入住人才社区的，按月补贴租金。",
                "Talents living in a talent community receive a monthly rent allowance.",
            )
        ],
        [],
    ),
    "sx_talent_housing": (
        "330212",
        ["housing"],
        "鄞州区人才房配租办法",
        "Yinzhou District rules for allocating talent housing",
        "区人才房面向在鄞州工作的高层次人才和青年人才配租。",
        "The district's talent housing is let to high-level and young talents working in Yinzhou.",
        [],
        [],
    ),
    "ha_settle": (
        "320800",
        ["housing", "talent_introduction"],
        "淮安市人才安居办法",
        "Huai'an measures on housing for talents",
        "新引进人才可申请人才安居房，或领取安家补贴。",
        "Newly recruited talents may apply for talent housing or receive a settling-in allowance.",
        [
            (
                "安家补贴",
                "Settling-in allowance",
                "博士8万元，硕士3万元。",
                "80,000 yuan for a PhD, 30,000 for a master's graduate.",
            )
        ],
        [],
    ),
    "js_housing": (
        "320000",
        ["housing"],
        "江苏省关于加强人才住房保障的意见",
        "Jiangsu opinions on strengthening housing support for talents",
        "各设区市应当为引进人才提供住房保障，对符合条件的人才给予住房方面的补贴。",
        "Every city shall provide housing support to the talents it recruits and subsidise the housing of eligible talents.",
        [],
        [],
    ),
    "nb_phd": (
        "330200",
        ["talent_introduction", "subsidies_awards"],
        "宁波市博士人才引进专项政策",
        "Ningbo special policy on recruiting PhD talents",
        "全职引进的博士给予安家补贴和科研启动经费。",
        "Full-time doctoral recruits receive a settling-in allowance and research start-up funds.",
        [
            (
                "博士安家补贴",
                "Settling-in allowance for PhDs",
                "一次性发放25万元。",
                "250,000 yuan once.",
            )
        ],
        [],
    ),
    "zj_ten_thousand": (
        "330000",
        ["talent_introduction", "research_innovation"],
        "浙江省“万人计划”实施办法",
        "Zhejiang implementing measures of the Ten Thousand Talents Program",
        "遴选支持杰出人才、领军人才和青年拔尖人才，给予项目经费和专项支持。",
        "Selects and supports outstanding talents, leading talents and top young talents with project funds and special support.",
        [
            (
                "万人计划专项经费",
                "Special funds of the Ten Thousand Talents Program",
                "每人50万元。",
                "500,000 yuan each.",
            )
        ],
        [
            (
                "万人计划如何申报？",
                "How do I apply to the Ten Thousand Talents Program?",
                "通过浙江人才服务平台网上申报、专家网上评审。",
                "Online, through the Zhejiang Talent Service Platform; experts review online.",
            )
        ],
    ),
    "zj_report": (
        "330000",
        ["services"],
        "2023年浙江省人才工作情况通报",
        "Report on Zhejiang's talent work in 2023",
        "全年新引进大学生132万人，新建人才公寓13.2万套，人才净流入率保持全国前列。",
        "1.32 million college students were recruited in the year and 132,000 talent apartments built.",
        [],
        [],
    ),
    "zj_one_visit": (
        "330000",
        ["services"],
        "浙江省人才服务“最多跑一次”改革实施方案",
        "Zhejiang plan for the “Maximum One Visit” reform of talent services",
        "高层次人才待遇确认、高级职称电子证书查验打印等14项省级人才服务实现网上办理。",
        "Fourteen provincial talent services, such as confirming a high-level talent's benefits and verifying a senior professional title certificate, are handled online.",
        [],
        [],
    ),
    "tj_zero_visit": (
        "120000",
        ["services"],
        "天津市人才服务“一次都不跑”事项清单",
        "Tianjin list of talent services that need no visit",
        "人才落户、工作许可等事项全程网办，一次都不跑。",
        "Household registration, work permits and other services are handled wholly online, with no visit.",
        [],
        [],
    ),
    "zj_returnee": (
        "330000",
        ["overseas_foreign", "entrepreneurship_finance"],
        "浙江省留学回国人员创业扶持办法",
        "Zhejiang measures supporting start-ups of returned overseas students",
        "留学回国人员在浙江创办企业的，给予创业资助和场地租金减免。",
        "Returned overseas students founding a company in Zhejiang receive start-up funding and reduced rent for premises.",
        [
            (
                "留学人员创业资助",
                "Start-up funding for returned overseas students",
                "最高50万元。",
                "Up to 500,000 yuan.",
            )
        ],
        [],
    ),
    "qz_park": (
        "330110",
        ["overseas_foreign", "entrepreneurship_finance"],
        "衢州海归创业园（杭州未来科技城）入驻办法",
        "Admission rules of the Quzhou Overseas Returnees Entrepreneurship Park in Hangzhou Future Sci-Tech City",
        "入驻企业享受杭州同城待遇，税收全额返还衢州。",
        "Companies in the park receive the same treatment as Hangzhou companies; their taxes go back to Quzhou in full.",
        [],
        [],
    ),
    "hz_postdoc": (
        "330100",
        ["research_innovation"],
        "杭州市博士后工作站资助办法",
        "Hangzhou funding measures for postdoctoral workstations",
        "新设立的博士后工作站给予建站资助，进站博士后研究人员给予生活补贴。",
        "New postdoctoral workstations receive set-up funding; postdoctoral researchers entering them receive a living allowance.",
        [
            (
                "博士后研究人员生活补贴",
                "Living allowance for postdoctoral researchers",
                "每人每年10万元，最长两年。",
                "100,000 yuan a year each, for up to two years.",
            )
        ],
        [],
    ),
    "js_postdoc": (
        "320000",
        ["research_innovation"],
        "江苏省博士后科研资助计划",
        "Jiangsu research grants for postdocs",
        "资助在站博士后开展科研项目。",
        "Funds the research projects of postdocs in a station.",
        [
            (
                "博士后科研项目资助",
                "Postdoctoral research grant",
                "每项5万元至10万元。",
                "50,000 to 100,000 yuan per project.",
            )
        ],
        [],
    ),
    "tj_haihe": (
        "120000",
        ["talent_introduction"],
        "天津市“海河英才”行动计划",
        "Tianjin Haihe Talent Action Plan",
        "放宽人才落户条件，本科及以上学历人才可直接落户天津。",
        "Eases the household registration of talents: graduates with a bachelor's degree or above may register directly in Tianjin.",
        [
            (
                "人才落户",
                "Household registration for talents",
                "本科以上学历直接落户。",
                "Direct registration for bachelor's graduates and above.",
            )
        ],
        [],
    ),
    "bh_kunpeng": (
        "120116",
        ["talent_introduction", "research_innovation"],
        "滨海新区“鲲鹏计划”人才引进办法",
        "Binhai New Area Kunpeng Plan for recruiting talents",
        "面向新区重点产业引进高端人才和创新团队，支持企业自主评价人才。",
        "Recruits top talents and innovation teams for the area's key industries and supports enterprises in evaluating talents themselves.",
        [
            (
                "鲲鹏计划项目资助",
                "Kunpeng Plan project funding",
                "最高1000万元。",
                "Up to 10 million yuan.",
            )
        ],
        [],
    ),
    "zj_loan": (
        "330000",
        ["entrepreneurship_finance"],
        "浙江省人才服务银行“人才贷”产品指引",
        "Zhejiang Talent Service Bank guidelines on the talent loan",
        "为人才企业提供免抵押、免担保的人才贷信用贷款。",
        "Talent enterprises receive unsecured credit loans (the talent loan), with no collateral and no guarantee.",
        [
            (
                "人才贷",
                "Talent loan",
                "最高1000万元，贴息50%。",
                "Up to 10 million yuan, half the interest subsidised.",
            )
        ],
        [],
    ),
    "tj_guarantee": (
        "120000",
        ["entrepreneurship_finance"],
        "天津市创业担保贷款贴息办法",
        "Tianjin measures on interest subsidies for start-up guarantee loans",
        "符合条件的创业人员可申请创业担保贷款，财政给予贴息。",
        "Eligible entrepreneurs may apply for a start-up guarantee loan, with the interest subsidised by the government.",
        [],
        [],
    ),
    "zj_card": (
        "330000",
        ["services"],
        "浙江省人才卡服务办法",
        "Zhejiang talent card services",
        "持卡人才享受交通出行、医疗保健、子女入学等便利服务。",
        "Holders of the talent card enjoy convenient transport, healthcare and school places for their children.",
        [],
        [],
    ),
    "nb_yongjiang": (
        "330200",
        ["talent_introduction", "entrepreneurship_finance"],
        "宁波市“甬江人才工程”实施办法",
        "Ningbo implementing measures of the Yongjiang Talent Project",
        "引进培育创新创业人才和团队，给予最高1000万元项目资助。",
        "Recruits and trains innovative and entrepreneurial talents and teams, with project funding of up to 10 million yuan.",
        [("创业项目资助", "Start-up project funding", "最高1000万元。", "Up to 10 million yuan.")],
        [],
    ),
    "ha_industry": (
        "320800",
        ["talent_introduction"],
        "淮安市产业人才集聚若干政策",
        "Huai'an policies to gather talents for its industries",
        "围绕主导产业引进急需紧缺人才，深化产业与人才融合发展。",
        "Recruits talents in short supply for the leading industries and deepens the integration of industry and talent.",
        [],
        [],
    ),
    "zj_future": (
        "330000",
        ["research_innovation"],
        "浙江省未来产业人才支持计划",
        "Zhejiang talent support plan for future industries",
        "支持人工智能、量子信息等未来产业引育顶尖人才。",
        "Supports future industries such as artificial intelligence and quantum information in recruiting top talents.",
        [],
        [],
    ),
    "hz_children": (
        "330100",
        ["children_education"],
        "杭州市高层次人才子女入学保障办法",
        "Hangzhou measures guaranteeing school places for the children of high-level talents",
        "高层次人才子女可在全市范围内选择公办学校就读。",
        "Children of high-level talents may choose a public school anywhere in the city.",
        [],
        [],
    ),
    "zj_medical": (
        "330000",
        ["medical_care"],
        "浙江省高层次人才医疗绿色通道服务办法",
        "Zhejiang medical green channel for high-level talents",
        "高层次人才在省级医院享受预约诊疗、专家会诊等绿色通道服务。",
        "High-level talents get priority appointments and expert consultations in provincial hospitals.",
        [],
        [],
    ),
    "js_titles": (
        "320000",
        ["evaluation_titles"],
        "江苏省职称评审管理办法",
        "Jiangsu measures for professional title evaluation",
        "规范高级职称评审程序，推行职称评审网上申报。",
        "Regulates the evaluation of senior professional titles and moves applications online.",
        [],
        [],
    ),
    "zj_foreign": (
        "330000",
        ["overseas_foreign"],
        "浙江省外籍人才工作许可办理指南",
        "Zhejiang guide to work permits for foreign talents",
        "外籍高层次人才可在线申请工作许可，办理时限压缩至5个工作日。",
        "Foreign high-level talents apply for a work permit online; it is issued within five working days.",
        [],
        [],
    ),
    "hz_enclave": (
        "330100",
        ["entrepreneurship_finance"],
        "杭州未来科技城人才飞地建设办法",
        "Hangzhou Future Sci-Tech City measures on talent enclaves",
        "支持省内其他地区在未来科技城建设人才飞地，飞地企业享受同城待遇。",
        "Other parts of the province may build talent enclaves in the Future Sci-Tech City; their companies get the same treatment as local ones.",
        [],
        [],
    ),
    "zj_homeland": (
        "330000",
        ["services"],
        "浙江省高校“人才之家”建设项目管理办法",
        "Zhejiang measures for the Talent Homeland projects of universities",
        "在高校建设人才之家，优化人才发展环境。",
        "Universities build Talent Homelands to improve the environment in which talents develop.",
        [],
        [],
    ),
    "cz_dragon": (
        "320400",
        ["talent_introduction", "entrepreneurship_finance"],
        "常州市“龙城英才计划”实施办法",
        "Changzhou implementing measures of the Dragon City Talent Plan",
        "对入选的创新创业领军人才给予创业资助、安家补贴和人才公寓。",
        "Selected innovation and entrepreneurship leaders receive start-up funding, a settling-in allowance and a talent apartment.",
        [
            (
                "领军人才安家补贴",
                "Settling-in allowance for leading talents",
                "最高100万元。",
                "Up to 1 million yuan.",
            )
        ],
        [],
    ),
    "tj_traineeship": (
        "120000",
        ["graduates_internships", "subsidies_awards"],
        "天津市高校毕业生就业见习补贴办法",
        "Tianjin subsidies for the traineeships of college graduates",
        "见习单位吸纳高校毕业生参加就业见习的，按月给予见习补贴。",
        "Employers taking on college graduates as trainees receive a monthly traineeship subsidy.",
        [
            (
                "就业见习补贴",
                "Traineeship subsidy",
                "每人每月2000元。",
                "2,000 yuan per trainee a month.",
            )
        ],
        [],
    ),
    "zj_internship": (
        "330000",
        ["graduates_internships"],
        "浙江省大学生实习基地管理办法",
        "Zhejiang measures for college student internship bases",
        "认定一批大学生实习基地，为在校大学生提供实习岗位。",
        "Recognises internship bases that offer internships to college students.",
        [],
        [],
    ),
    "wz_subsidies": (
        "330000",
        ["subsidies_awards"],
        "浙江省人才补贴资金管理办法",
        "Zhejiang measures for managing talent subsidies",
        "规范各类人才补贴资金的申报、审核和发放。",
        "Regulates how the talent subsidies are applied for, reviewed and paid.",
        [],
        [],
    ),
    "zj_evaluation": (
        "330000",
        ["evaluation_titles"],
        "浙江省企业自主评价人才办法",
        "Zhejiang measures on enterprise-led talent evaluation",
        "支持重点企业按标准自主评价人才，评价结果与人才认定挂钩。",
        "Key enterprises evaluate their own talents against standards; the result counts for talent certification.",
        [],
        [],
    ),
    "hz_skills": (
        "330100",
        ["skills_training"],
        "杭州市高技能人才培养补贴办法",
        "Hangzhou subsidies for training highly skilled workers",
        "企业培养高技能人才的，按取得的职业技能等级给予培训补贴。",
        "Companies training highly skilled workers receive a training subsidy by the skill level achieved.",
        [],
        [],
    ),
}

# (query, type, expected policy keys): the policies a person would expect in the first ten.
QUERIES = [
    # exact
    ("人才公寓管理办法", "exact", ["cz_apartment"]),
    ("购房补贴", "exact", ["hz_purchase"]),
    ("租房补贴", "exact", ["nb_rent", "cz_community"]),
    ("安家补贴", "exact", ["ha_settle", "nb_phd", "cz_dragon"]),
    ("生活补贴", "exact", ["hz_graduates", "hz_postdoc"]),
    ("海河英才", "exact", ["tj_haihe"]),
    ("鲲鹏计划", "exact", ["bh_kunpeng"]),
    ("万人计划", "exact", ["zj_ten_thousand"]),
    ("最多跑一次", "exact", ["zj_one_visit"]),
    ("人才卡", "exact", ["zj_card"]),
    ("人才飞地", "exact", ["hz_enclave"]),
    ("职称评审", "exact", ["js_titles"]),
    ("子女入学", "exact", ["hz_children", "zj_card"]),
    ("医疗绿色通道", "exact", ["zj_medical"]),
    ("工作许可", "exact", ["zj_foreign", "tj_zero_visit"]),
    ("博士后工作站", "exact", ["hz_postdoc"]),
    ("甬江人才工程", "exact", ["nb_yongjiang"]),
    ("龙城英才计划", "exact", ["cz_dragon"]),
    # compound
    ("住房补贴", "compound", ["js_housing", "hz_purchase", "nb_rent", "ha_settle"]),
    ("人才住房", "compound", ["js_housing", "sx_talent_housing"]),
    ("博士生活补贴", "compound", ["hz_graduates"]),
    ("青年人才租房", "compound", ["nb_rent"]),
    ("创业资助", "compound", ["zj_returnee", "cz_dragon"]),
    ("人才社区建设", "compound", ["cz_community"]),
    ("高校毕业生", "compound", ["hz_graduates", "tj_traineeship"]),
    ("留学人员创业", "compound", ["zj_returnee"]),
    ("博士后科研资助", "compound", ["js_postdoc"]),
    ("人才服务银行", "compound", ["zj_loan"]),
    ("创业担保贷款", "compound", ["tj_guarantee"]),
    ("高技能人才培养", "compound", ["hz_skills"]),
    # partial
    ("万人", "partial", ["zj_ten_thousand"]),
    ("公寓", "partial", ["cz_apartment", "zj_report", "cz_dragon"]),
    ("博士", "partial", ["hz_graduates", "nb_phd", "hz_postdoc", "js_postdoc"]),
    ("贷", "partial", ["zj_loan", "tj_guarantee"]),
    ("鲲鹏", "partial", ["bh_kunpeng"]),
    ("海河", "partial", ["tj_haihe"]),
    ("飞地", "partial", ["hz_enclave"]),
    ("见习", "partial", ["tj_traineeship"]),
    ("甬江", "partial", ["nb_yongjiang"]),
    ("绿色通道", "partial", ["zj_medical"]),
    ("安家", "partial", ["ha_settle", "nb_phd", "cz_dragon"]),
    ("龙城", "partial", ["cz_dragon"]),
    # synonym
    ("人才房", "synonym", ["sx_talent_housing", "cz_apartment", "ha_settle"]),
    ("海归", "synonym", ["zj_returnee", "qz_park"]),
    ("跑一次", "synonym", ["zj_one_visit", "tj_zero_visit"]),
    ("一次都不跑", "synonym", ["tj_zero_visit", "zj_one_visit"]),
    ("博士后研究人员", "synonym", ["hz_postdoc", "js_postdoc"]),
    ("留学回国人员", "synonym", ["zj_returnee", "qz_park"]),
    ("人才银行", "synonym", ["zj_loan"]),
    ("安家费", "synonym", ["ha_settle", "nb_phd", "cz_dragon"]),
    ("租金补贴", "synonym", ["nb_rent", "cz_community"]),
    ("户籍", "synonym", ["tj_haihe", "tj_zero_visit"]),
    ("高端人才", "synonym", ["hz_purchase", "hz_children", "zj_medical", "bh_kunpeng"]),
    ("生活津贴", "synonym", ["hz_graduates", "hz_postdoc"]),
    # multiword
    ("杭州 购房补贴", "multiword", ["hz_purchase"]),
    ("宁波 博士", "multiword", ["nb_phd"]),
    ("常州 人才公寓", "multiword", ["cz_apartment", "cz_dragon"]),
    ("博士 生活补贴", "multiword", ["hz_graduates"]),
    ("天津 落户", "multiword", ["tj_haihe", "tj_zero_visit"]),
    ("浙江 万人计划 申报", "multiword", ["zj_ten_thousand"]),
    ("杭州博士生活补贴", "multiword", ["hz_graduates"]),
    ("高层次人才 子女", "multiword", ["hz_children"]),
    ("留学 创业", "multiword", ["zj_returnee"]),
    ("青年人才 租房补贴 宁波", "multiword", ["nb_rent"]),
    ("博士有什么安家补贴", "multiword", ["nb_phd", "ha_settle"]),
    # english
    (
        "subsidy",
        "english",
        [
            "nb_rent",
            "hz_purchase",
            "wz_subsidies",
            "js_housing",
            "tj_traineeship",
            "tj_guarantee",
            "hz_skills",
        ],
    ),
    ("subsidies", "english", ["nb_rent", "wz_subsidies", "hz_skills", "tj_guarantee"]),
    ("industry", "english", ["ha_industry", "zj_future"]),
    ("industries", "english", ["ha_industry", "zj_future", "bh_kunpeng"]),
    ("talent apartment", "english", ["cz_apartment"]),
    ("talent apartments", "english", ["cz_apartment", "zj_report"]),
    ("rent subsidy", "english", ["nb_rent", "cz_community"]),
    ("housing subsidy", "english", ["js_housing", "hz_purchase", "nb_rent", "ha_settle"]),
    ("living allowance", "english", ["hz_graduates", "hz_postdoc"]),
    ("returnee", "english", ["qz_park", "zj_returnee"]),
    ("postdoctoral researchers", "english", ["hz_postdoc", "js_postdoc"]),
    ("talent loan", "english", ["zj_loan"]),
    ("Ten Thousand Talents", "english", ["zj_ten_thousand"]),
    ("work permit", "english", ["zj_foreign", "tj_zero_visit"]),
    ("household registration", "english", ["tj_haihe", "tj_zero_visit"]),
    ("settling-in allowance", "english", ["ha_settle", "nb_phd", "cz_dragon"]),
    ("Haihe", "english", ["tj_haihe"]),
    ("internships", "english", ["zj_internship"]),
    ("PhD", "english", ["nb_rent", "nb_phd", "cz_apartment", "ha_settle"]),
    ("loans", "english", ["zj_loan", "tj_guarantee"]),
    # mixed
    ("杭州 subsidy", "mixed", ["hz_purchase", "hz_skills"]),
    ("博士 allowance", "mixed", ["hz_graduates", "nb_phd"]),
    ("talent 公寓", "mixed", ["cz_apartment"]),
    ("Ningbo 租房补贴", "mixed", ["nb_rent"]),
    ("postdoc 杭州", "mixed", ["hz_postdoc"]),
    ("Tianjin 落户", "mixed", ["tj_haihe", "tj_zero_visit"]),
    ("Zhejiang 人才贷", "mixed", ["zj_loan"]),
    ("Changzhou talent 公寓", "mixed", ["cz_apartment"]),
]

#: The targets of the issue (#15): recall@10 and MRR over the whole set; recall@10 by type.
TARGET_RECALL = 0.97
TARGET_MRR = 0.9
TARGET_TYPE_RECALL = 0.9

# ruff: noqa: E501 -- the service texts read better unbroken.
"""Demo public services and applications. `policies.demo` calls `seed_services()`.

The services are the 14 provincial talent services that the Zhejiang Talent Service Platform put
online under the "Maximum One Visit" reform (confirming the benefits of high-level talents of
provincial and ministerial units in Hangzhou, verifying and printing a senior professional-title
certificate, the duty-free car of returned overseas students, applying to the Ten Thousand
Talents Program, …), plus services that cities add: Hangzhou, Ningbo, Changzhou, Huai'an and
Tianjin's Binhai New Area. Each has realistic questions (a form schema) and materials. A service
is found again by its region and Chinese name, so re-running never duplicates one and never
overwrites what staff changed.

Applications come in every status of the shared workflow with their timelines. Application
number *i* is the same on every run (one random stream, consumed in the same order), and the
number of the demo people's applications already there tells where to continue, so re-running
adds only what is missing. Applicants are demo accounts only (`User.objects.demo()`): what
people apply for on the site is theirs and never counted, continued or changed. The first `WORKFLOW_COUNT` go through `talentportal.workflow` (events and on-site
notifications as in real use, no e-mail) and are then back-dated; at large scale the rest are
written with COPY, with the same timeline events the workflow would have written.
"""

import datetime
import random
import time

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from psycopg.types.json import Jsonb

from policies.models import (
    Benefit,
    FieldKind,
    Policy,
    PolicyStatus,
    ServiceApplication,
    ServiceItem,
    ServiceMaterial,
    validate_form_schema,
)
from talentportal import workflow
from talentportal.demo import demo_accounts_ensure, quietly
from talentportal.models import (
    AccountKind,
    ApplicationEvent,
    ApplicationStatus,
    ReferenceCounter,
    Region,
    User,
)

S = ApplicationStatus
APPLICATION_COUNTS = {"small": 50, "large": 20_000}
WORKFLOW_COUNT = 50
BATCH = 2_000
#: Applications are spread over the days before the seed runs.
SPREAD_DAYS = 150

# Departments (Chinese, English).
TALENT_OFFICE = (
    "浙江省委人才工作领导小组办公室",
    "Talent Office of the CPC Zhejiang Provincial Committee",
)
HRSS = ("浙江省人力资源和社会保障厅", "Zhejiang Department of Human Resources and Social Security")
EDUCATION = ("浙江省教育厅", "Zhejiang Department of Education")
SCIENCE = (
    "浙江省科学技术厅（省外国专家局）",
    "Zhejiang Department of Science and Technology (Provincial Foreign Experts Bureau)",
)
HEALTH = ("浙江省卫生健康委员会", "Zhejiang Provincial Health Commission")
IMMIGRATION = (
    "浙江省公安厅出入境管理局",
    "Exit and Entry Administration, Zhejiang Public Security Department",
)
TALENT_MARKET = ("浙江省人才市场", "Zhejiang Talent Market")

TIERS = ["A类", "B类", "C类", "D类", "E类"]
TITLE_SERIES = ["工程", "卫生", "高校教师", "中小学教师", "经济", "会计", "农业", "其他"]
DEGREES = ["博士", "硕士", "学士"]


def q(name, label_zh, label_en, kind, *, required=True, choices=None) -> dict:
    """One question of a form schema."""
    item = {
        "name": name,
        "label_zh": label_zh,
        "label_en": label_en,
        "kind": kind,
        "required": required,
    }
    if choices is not None:
        item["choices"] = choices
    return item


def m(name_zh, name_en, *, required=True, images=True) -> tuple:
    """One material: name, whether it is mandatory, whether JPEG/PNG scans are accepted."""
    return (name_zh, name_en, required, images)


ID_CARD = m("居民身份证", "Resident identity card")
PASSPORT = m("护照", "Passport")
RECOGNITION = m("高层次人才认定证明", "Proof of recognition as a high-level talent", images=False)
CONTRACT = m("劳动合同或聘用证明", "Employment contract or letter of appointment")
SOCIAL_INSURANCE = m("社会保险缴纳证明", "Social insurance payment record", images=False)
DEGREE_CERT = m("学历、学位证书", "Graduation and degree certificates")
FOREIGN_DEGREE = m(
    "国外学历学位认证书", "Authentication of the foreign degree (CSCSE)", images=False
)
BUSINESS_LICENCE = m("营业执照", "Business licence")

EMPLOYER = q("employer", "工作单位", "Employer", FieldKind.TEXT)
TIER = q("talent_tier", "人才类别", "Talent tier", FieldKind.CHOICE, choices=TIERS)

PROVINCIAL = [
    {
        "name": (
            "在杭省部属单位高层次人才同城待遇确认",
            "Confirmation of Hangzhou benefits for high-level talents of provincial and ministerial units",
        ),
        "department": TALENT_OFFICE,
        "description": (
            "在杭州的省属、部属单位（高校、科研院所、医院、国有企业）引进或培养的高层次人才，可与杭州市属单位人才同等享受购房补贴、子女入学、医疗保健等待遇（“同城同待遇”）。本服务确认待遇资格，确认结果同步推送至杭州市相关部门，无需再到市里重复申请。",
            "High-level talents recruited or trained by provincial and ministerial units in Hangzhou — universities, research institutes, hospitals and state-owned enterprises — receive the same benefits as those of Hangzhou's own units: housing purchase subsidy, school places for their children, medical care (“same city, same treatment”). This service confirms the entitlement and passes the result to the Hangzhou departments concerned, so you do not apply again in the city.",
        ),
        "audience": (
            "在杭州工作的省属、部属单位中，经认定的A至E类高层次人才。",
            "High-level talents (tiers A to E) working in provincial and ministerial units in Hangzhou.",
        ),
        "days": 10,
        "schema": [
            EMPLOYER,
            q(
                "unit_type",
                "单位类型",
                "Type of employer",
                FieldKind.CHOICE,
                choices=["高校", "科研院所", "医疗卫生机构", "国有企业", "其他"],
            ),
            TIER,
            q("recognised_on", "认定时间", "Date of recognition", FieldKind.DATE),
            q(
                "years_in_hangzhou",
                "在杭工作年限",
                "Years working in Hangzhou",
                FieldKind.NUMBER,
                required=False,
            ),
            q(
                "spouse_in_hangzhou",
                "配偶是否在杭工作",
                "Does your spouse work in Hangzhou?",
                FieldKind.YES_NO,
                required=False,
            ),
        ],
        "materials": [
            ID_CARD,
            RECOGNITION,
            CONTRACT,
            m(
                "近12个月社会保险缴纳证明",
                "Social insurance record of the last 12 months",
                required=False,
                images=False,
            ),
        ],
        "keywords": ("分类认定", "高层次人才"),
    },
    {
        "name": (
            "高级职称电子证书查验打印",
            "Verification and printing of the electronic certificate of a senior professional title",
        ),
        "department": HRSS,
        "description": (
            "在线查验浙江省高级专业技术资格电子证书的真实性和有效性，下载带电子签章的证书文件，可自行打印，与纸质证书具有同等效力。",
            "Check online that an electronic certificate of a senior professional title awarded in Zhejiang is genuine and valid, and download the certificate with its electronic seal. A printout has the same force as the paper certificate.",
        ),
        "audience": (
            "取得浙江省正高级、副高级专业技术资格（职称）的专业技术人员，以及需要查验证书的用人单位。",
            "Professionals holding a full or associate senior professional title awarded in Zhejiang, and employers who need to verify a certificate.",
        ),
        "days": 1,
        "schema": [
            q("certificate_number", "证书编号", "Certificate number", FieldKind.TEXT),
            q(
                "title_level",
                "职称级别",
                "Level of the title",
                FieldKind.CHOICE,
                choices=["正高级", "副高级"],
            ),
            q("series", "职称系列", "Title series", FieldKind.CHOICE, choices=TITLE_SERIES),
            q("approved_on", "评审通过时间", "Date awarded", FieldKind.DATE),
            q(
                "purpose",
                "用途",
                "Purpose",
                FieldKind.CHOICE,
                required=False,
                choices=["个人留存", "单位聘任", "人才认定", "其他"],
            ),
        ],
        "materials": [ID_CARD],
        "keywords": ("职称",),
    },
    {
        "name": (
            "留学回国人员购买免税国产小汽车申请",
            "Duty-free domestically made car for returned overseas students",
        ),
        "department": HRSS,
        "description": (
            "符合条件的留学回国人员可免税购买一辆国产小汽车。审核通过后出具证明，用于向海关办理免税手续。",
            "Eligible returned overseas students may buy one domestically made car free of purchase tax. Once approved, you receive a certificate for the customs formalities.",
        ),
        "audience": (
            "在国外正规大学毕业或进修一年以上、回国后在浙江工作的留学回国人员，须在回国后一年内申请，且此前未享受过该政策。",
            "Returned overseas students who graduated from a recognised foreign university or studied there for at least a year, who work in Zhejiang and apply within a year of their return, and who have not used this benefit before.",
        ),
        "days": 5,
        "schema": [
            q("study_country", "留学国家（地区）", "Country or region of study", FieldKind.TEXT),
            q("university", "就读院校", "University", FieldKind.TEXT),
            q(
                "degree",
                "所获学位",
                "Degree obtained",
                FieldKind.CHOICE,
                choices=["博士", "硕士", "学士", "访问学者/进修"],
            ),
            q("study_from", "留学开始时间", "Studies began", FieldKind.DATE),
            q("study_to", "留学结束时间", "Studies ended", FieldKind.DATE),
            q("return_date", "回国时间", "Date of return", FieldKind.DATE),
            EMPLOYER,
            q(
                "used_before",
                "此前是否享受过该政策",
                "Have you used this benefit before?",
                FieldKind.YES_NO,
            ),
        ],
        "materials": [
            m("护照（含出入境记录页）", "Passport, with the pages of entry and exit stamps"),
            FOREIGN_DEGREE,
            m("留学回国人员证明", "Certificate of returned overseas student"),
            CONTRACT,
        ],
        "keywords": ("留学",),
    },
    {
        "name": (
            "浙江省“万人计划”申报",
            "Application to the Zhejiang Ten Thousand Talents Program",
        ),
        "department": TALENT_OFFICE,
        "description": (
            "浙江省高层次人才特殊支持计划（“万人计划”）面向杰出人才、领军人才和青年拔尖人才，入选者获得专项经费支持。申报材料经形式审查后，通过网上遴选专家、网上评审。",
            "Zhejiang's special support program for high-level talent (the “Ten Thousand Talents Program”) supports outstanding, leading and young top talents; those selected receive dedicated funding. Applications are checked for completeness, then experts are drawn and review them online.",
        ),
        "audience": (
            "在浙江工作的各领域杰出人才、领军人才和青年拔尖人才，由所在单位推荐。青年拔尖人才一般不超过40周岁，须具有博士学位。",
            "Outstanding, leading and young top talents working in Zhejiang in every field, nominated by their employer. Young top talents are normally 40 or younger and hold a doctorate.",
        ),
        "days": 40,
        "schema": [
            q(
                "category",
                "申报类别",
                "Category",
                FieldKind.CHOICE,
                choices=[
                    "杰出人才",
                    "科技创新领军人才",
                    "科技创业领军人才",
                    "哲学社会科学领军人才",
                    "青年拔尖人才",
                ],
            ),
            q("field_of_work", "专业领域", "Field of work", FieldKind.TEXT),
            EMPLOYER,
            q("birth_date", "出生日期", "Date of birth", FieldKind.DATE),
            q(
                "highest_degree",
                "最高学位",
                "Highest degree",
                FieldKind.CHOICE,
                choices=[*DEGREES, "其他"],
            ),
            q(
                "projects_led",
                "主持的省部级以上项目数",
                "Provincial or national projects led",
                FieldKind.NUMBER,
            ),
        ],
        "materials": [
            m("申报书", "Application form", images=False),
            m("单位推荐意见", "Nomination by the employer", images=False),
            m("代表性成果证明", "Evidence of representative achievements", images=False),
            m("获奖证书", "Award certificates", required=False),
        ],
        "keywords": ("万人计划",),
    },
    {
        "name": ("浙江省人才服务卡申领", "Application for the Zhejiang Talent Service Card"),
        "department": TALENT_OFFICE,
        "description": (
            "持卡人可享受交通出行、医疗保健、子女入学、文化旅游等方面的绿色通道服务。审核通过后，实体卡免费邮寄，电子卡同步发放。",
            "Card holders get green-channel services for travel, medical care, children's schooling, culture and tourism. Once approved, the card is posted to you free of charge and an electronic card is issued at the same time.",
        ),
        "audience": (
            "经认定的省级以上高层次人才。",
            "High-level talents recognised at provincial level or above.",
        ),
        "days": 10,
        "schema": [
            TIER,
            EMPLOYER,
            q("mobile", "手机号码", "Mobile phone", FieldKind.TEXT),
            q("postal_address", "卡片邮寄地址", "Address to post the card to", FieldKind.TEXT),
        ],
        "materials": [ID_CARD, m("近期免冠证件照", "Recent passport photo"), RECOGNITION],
        "keywords": ("人才码", "服务"),
    },
    {
        "name": ("外国人来华工作许可", "Work permit for foreigners working in China"),
        "department": SCIENCE,
        "description": (
            "用人单位为拟聘用的外国人申请《外国人工作许可证》。外国高端人才（A类）实行“绿色通道”和容缺受理。",
            "Employers apply for the Foreigner's Work Permit for the foreigners they will employ. Foreign high-end talents (category A) get a green channel and may complete missing documents later.",
        ),
        "audience": (
            "拟在浙江工作的外国高端人才（A类）和专业人才（B类），由用人单位申请。",
            "Foreign high-end talents (category A) and professionals (category B) who will work in Zhejiang; the employer applies.",
        ),
        "days": 10,
        "schema": [
            q("nationality", "国籍", "Nationality", FieldKind.TEXT),
            q("passport_number", "护照号码", "Passport number", FieldKind.TEXT),
            q(
                "category",
                "人才类别",
                "Category",
                FieldKind.CHOICE,
                choices=["A类（高端人才）", "B类（专业人才）", "C类（其他人员）"],
            ),
            q("position", "拟任职务", "Position", FieldKind.TEXT),
            q("annual_salary", "年薪（万元）", "Annual salary (10,000 yuan)", FieldKind.NUMBER),
            q("start_date", "拟入职日期", "Planned start date", FieldKind.DATE),
            q("in_china_now", "目前是否在境内", "Are you in China now?", FieldKind.YES_NO),
        ],
        "materials": [
            PASSPORT,
            m("最高学位证书", "Highest degree certificate"),
            m("无犯罪记录证明", "Certificate of no criminal record", images=False),
            m("体检证明", "Health certificate", images=False),
            m("工作合同", "Employment contract", images=False),
        ],
        "keywords": ("外籍", "外国"),
    },
    {
        "name": (
            "博士后科研工作站设站申请",
            "Application to set up a postdoctoral research workstation",
        ),
        "department": HRSS,
        "description": (
            "用人单位申请设立博士后科研工作站，与高校、科研院所联合招收和培养博士后研究人员。",
            "An employer applies to set up a postdoctoral research workstation, to recruit and train postdoctoral researchers together with a university or research institute.",
        ),
        "audience": (
            "具有独立法人资格、研发机构健全、能为博士后提供科研条件的企业和事业单位（用人单位申请）。",
            "Enterprises and public institutions with legal personality, an established R&D department and the means to support postdoctoral research (the employer applies).",
        ),
        "days": 40,
        "schema": [
            q("unit_name", "单位名称", "Name of the organisation", FieldKind.TEXT),
            q("credit_code", "统一社会信用代码", "Unified social credit code", FieldKind.TEXT),
            q("rd_staff", "研发人员数", "Number of R&D staff", FieldKind.NUMBER),
            q(
                "rd_spending",
                "上年度研发投入（万元）",
                "R&D spending last year (10,000 yuan)",
                FieldKind.NUMBER,
            ),
            q(
                "partner_university",
                "合作高校或科研院所",
                "Partner university or institute",
                FieldKind.TEXT,
            ),
            q(
                "provincial_platform",
                "是否拥有省级以上研发平台",
                "Do you have a provincial or national R&D platform?",
                FieldKind.YES_NO,
            ),
        ],
        "materials": [
            m("设站申请书", "Application", images=False),
            BUSINESS_LICENCE,
            m("研发平台证明", "Evidence of R&D platforms", required=False, images=False),
        ],
        "keywords": ("博士后",),
    },
    {
        "name": ("博士后日常经费资助申领", "Claiming the postdoctoral daily-expense grant"),
        "department": HRSS,
        "description": (
            "在站博士后可按规定申领日常经费资助，资金拨付至设站单位。",
            "Postdoctoral researchers may claim the daily-expense grant; the money is paid to their host institution.",
        ),
        "audience": (
            "在浙江省博士后科研工作站、流动站从事研究的在站博士后。",
            "Postdoctoral researchers working at a postdoctoral station or workstation in Zhejiang.",
        ),
        "days": 15,
        "schema": [
            q("station", "工作站（流动站）名称", "Station or workstation", FieldKind.TEXT),
            q("entered_on", "进站时间", "Date you joined", FieldKind.DATE),
            q(
                "doctorate_university",
                "博士毕业院校",
                "University of your doctorate",
                FieldKind.TEXT,
            ),
            q(
                "account_holder",
                "设站单位开户名称",
                "Account holder (host institution)",
                FieldKind.TEXT,
            ),
        ],
        "materials": [
            m("进站备案表", "Registration form", images=False),
            m("博士学位证书", "Doctoral degree certificate"),
        ],
        "keywords": ("博士后",),
    },
    {
        "name": ("高层次人才子女入学服务", "School places for the children of high-level talents"),
        "department": EDUCATION,
        "description": (
            "按照就近、就便原则，协调安排高层次人才子女在工作地或居住地就读义务教育阶段学校和普通高中。",
            "Places in primary, middle and high schools are arranged for the children of high-level talents near where they work or live.",
        ),
        "audience": (
            "经认定的A至E类高层次人才，其子女需在浙江入学或转学。",
            "Recognised high-level talents (tiers A to E) whose children need a school place in Zhejiang.",
        ),
        "days": 20,
        "schema": [
            q("child_name", "子女姓名", "Child's name", FieldKind.TEXT),
            q("child_birth_date", "子女出生日期", "Child's date of birth", FieldKind.DATE),
            q(
                "school_stage",
                "入学阶段",
                "School stage",
                FieldKind.CHOICE,
                choices=["小学", "初中", "高中"],
            ),
            q("preferred_district", "意向入学区域", "Preferred district", FieldKind.TEXT),
            TIER,
            q("current_school", "目前就读学校", "Current school", FieldKind.TEXT, required=False),
        ],
        "materials": [
            m("户口簿或出生医学证明", "Household register or birth certificate"),
            RECOGNITION,
            m("学籍证明", "School enrolment record", required=False, images=False),
        ],
        "keywords": ("子女", "服务"),
    },
    {
        "name": ("高层次人才医疗保健服务", "Medical care service for high-level talents"),
        "department": HEALTH,
        "description": (
            "为高层次人才建立健康档案，提供年度健康体检、就医绿色通道和专家预约服务。",
            "A health record, an annual health check, a green channel at hospitals and appointments with specialists.",
        ),
        "audience": (
            "经认定的A、B、C类高层次人才。",
            "Recognised high-level talents of tiers A, B and C.",
        ),
        "days": 7,
        "schema": [
            q("talent_tier", "人才类别", "Talent tier", FieldKind.CHOICE, choices=TIERS[:3]),
            q(
                "preferred_hospital",
                "定点医院",
                "Designated hospital",
                FieldKind.CHOICE,
                choices=[
                    "浙江大学医学院附属第一医院",
                    "浙江大学医学院附属第二医院",
                    "浙江省人民医院",
                    "浙江省中医院",
                ],
            ),
            q(
                "annual_checkup",
                "是否需要年度体检",
                "Do you want the annual health check?",
                FieldKind.YES_NO,
            ),
            q(
                "follow_up",
                "是否有需要长期随访的疾病",
                "Do you have a condition that needs regular follow-up?",
                FieldKind.YES_NO,
                required=False,
            ),
        ],
        "materials": [ID_CARD, RECOGNITION],
        "keywords": ("医疗", "服务"),
    },
    {
        "name": (
            "高级专业技术资格评审申报",
            "Application for the evaluation of a senior professional title",
        ),
        "department": HRSS,
        "description": (
            "申报正高级或副高级专业技术资格（职称）。经单位公示、主管部门审核后，提交评审委员会评审。",
            "Apply for a full or associate senior professional title. After a public notice at your employer and review by the competent department, the application goes to the evaluation committee.",
        ),
        "audience": (
            "在浙江工作、符合相应职称系列评价条件的专业技术人员，经所在单位推荐；业绩突出者可破格申报。",
            "Professionals working in Zhejiang who meet the criteria of their title series, nominated by their employer; exceptional performers may apply on a fast track.",
        ),
        "days": 90,
        "schema": [
            q("series", "职称系列", "Title series", FieldKind.CHOICE, choices=TITLE_SERIES),
            q(
                "level",
                "申报级别",
                "Level applied for",
                FieldKind.CHOICE,
                choices=["正高级", "副高级"],
            ),
            q("current_title_since", "现职称取得时间", "Current title held since", FieldKind.DATE),
            q("years_in_field", "从事本专业年限", "Years in the field", FieldKind.NUMBER),
            q(
                "papers",
                "代表性论文、专利数",
                "Representative papers and patents",
                FieldKind.NUMBER,
                required=False,
            ),
            q("fast_track", "是否破格申报", "Is this a fast-track application?", FieldKind.YES_NO),
        ],
        "materials": [
            m("评审申报表", "Evaluation application form", images=False),
            m("现职称证书", "Current title certificate"),
            m("业绩成果材料", "Evidence of performance", images=False),
            m("继续教育证明", "Continuing education record", required=False, images=False),
        ],
        "keywords": ("职称",),
    },
    {
        "name": ("留学回国人员创业项目资助", "Start-up grant for returned overseas students"),
        "department": HRSS,
        "description": (
            "择优资助留学回国人员在浙江创办的企业，资助金额按所依据政策的标准确定。",
            "Selected companies founded in Zhejiang by returned overseas students receive funding at the rates of the policy this service implements.",
        ),
        "audience": (
            "回国不超过5年、在浙江创办企业并担任法定代表人或第一大股东的留学回国人员。",
            "Returned overseas students, back for no more than five years, who founded a company in Zhejiang and are its legal representative or largest shareholder.",
        ),
        "days": 30,
        "schema": [
            q("company", "企业名称", "Company", FieldKind.TEXT),
            q("founded_on", "成立日期", "Date founded", FieldKind.DATE),
            q(
                "industry",
                "所属行业",
                "Industry",
                FieldKind.CHOICE,
                choices=["新一代信息技术", "生物医药", "高端装备", "新材料", "新能源", "其他"],
            ),
            q(
                "registered_capital",
                "注册资本（万元）",
                "Registered capital (10,000 yuan)",
                FieldKind.NUMBER,
            ),
            q("employees", "员工人数", "Employees", FieldKind.NUMBER),
            q("return_date", "回国时间", "Date of return", FieldKind.DATE),
        ],
        "materials": [
            BUSINESS_LICENCE,
            m("商业计划书", "Business plan", images=False),
            FOREIGN_DEGREE,
            m("股权结构证明", "Shareholding structure", images=False),
        ],
        "keywords": ("留学",),
    },
    {
        "name": ("人才人事档案转递", "Transfer of a personnel file"),
        "department": TALENT_MARKET,
        "description": (
            "为在省人才市场存档的人员办理档案转出，档案通过机要通道转递至接收单位。",
            "For people whose personnel file is kept at the Zhejiang Talent Market: the file is sent to the receiving organisation through the confidential-mail channel.",
        ),
        "audience": (
            "档案存放在浙江省人才市场的流动人员。",
            "People whose personnel file is kept at the Zhejiang Talent Market.",
        ),
        "days": 3,
        "online": False,
        "schema": [],
        "materials": [
            ID_CARD,
            m(
                "接收单位调档函",
                "Letter from the receiving organisation requesting the file",
                images=False,
            ),
        ],
        "keywords": (),
    },
    {
        "name": (
            "外籍高层次人才永久居留推荐",
            "Recommendation of foreign high-level talents for permanent residence",
        ),
        "department": IMMIGRATION,
        "description": (
            "经省级人才主管部门推荐，外籍高层次人才及其配偶、未成年子女可申请在华永久居留。",
            "With a recommendation from the provincial talent authority, foreign high-level talents, their spouses and minor children may apply for permanent residence in China.",
        ),
        "audience": (
            "在浙江工作的外籍高层次人才。",
            "Foreign high-level talents working in Zhejiang.",
        ),
        "days": 15,
        "schema": [
            q("nationality", "国籍", "Nationality", FieldKind.TEXT),
            q("passport_number", "护照号码", "Passport number", FieldKind.TEXT),
            EMPLOYER,
            q("years_in_china", "在华工作年限", "Years working in China", FieldKind.NUMBER),
            q(
                "include_family",
                "是否同时为配偶和子女申请",
                "Apply for your spouse and children too?",
                FieldKind.YES_NO,
            ),
        ],
        "materials": [
            PASSPORT,
            m("外国人工作许可证", "Foreigner's work permit"),
            m("单位推荐函", "Recommendation letter from the employer", images=False),
            m("个人所得税纳税证明", "Individual income tax records", required=False, images=False),
        ],
        "keywords": ("外籍", "外国"),
    },
]


def city(
    code, department, name, description, audience, days, schema, materials, keywords, online=True
):
    return {
        "region": code,
        "name": name,
        "department": department,
        "description": description,
        "audience": audience,
        "days": days,
        "schema": schema,
        "materials": materials,
        "keywords": keywords,
        "online": online,
    }


CITIES = [
    city(
        "330100",
        ("杭州市人才服务中心", "Hangzhou Talent Service Centre"),
        ("杭州市高层次人才分类认定", "Recognition as a high-level talent in Hangzhou"),
        (
            "对照杭州市高层次人才分类目录，认定A至E类高层次人才，认定结果作为享受购房补贴、子女入学等待遇的依据。",
            "Recognition as a tier A to E high-level talent under Hangzhou's catalogue; the tier decides the housing subsidy, school places and other benefits.",
        ),
        (
            "在杭州工作并缴纳社会保险、符合分类目录条件的人才。",
            "Talents working in Hangzhou, paying social insurance there, who meet a criterion of the catalogue.",
        ),
        15,
        [
            q("tier_applied", "申请认定类别", "Tier applied for", FieldKind.CHOICE, choices=TIERS),
            EMPLOYER,
            q("criterion", "符合的认定标准条款", "The criterion you meet", FieldKind.TEXT),
            q(
                "insurance_months",
                "在杭缴纳社保月数",
                "Months of social insurance paid in Hangzhou",
                FieldKind.NUMBER,
            ),
        ],
        [ID_CARD, CONTRACT, m("业绩证明材料", "Evidence of achievements", images=False)],
        ("分类认定",),
    ),
    city(
        "330100",
        ("杭州市人力资源和社会保障局", "Hangzhou Human Resources and Social Security Bureau"),
        (
            "杭州市新引进应届高校毕业生生活补贴申领",
            "Living allowance for new graduates who come to work in Hangzhou",
        ),
        (
            "新引进到杭州工作的应届高校毕业生，可按学历（本科、硕士、博士）一次性申领生活补贴，标准以所依据的政策为准。",
            "Graduates who come to work in Hangzhou in their year of graduation receive a one-off living allowance by degree (bachelor's, master's, doctorate), at the rates of the policy this service implements.",
        ),
        (
            "毕业3年内、全日制本科及以上学历、来杭工作并缴纳社保的高校毕业生。",
            "University graduates with a full-time bachelor's degree or higher, within three years of graduation, who work in Hangzhou and pay social insurance there.",
        ),
        20,
        [
            q("degree", "学历", "Degree", FieldKind.CHOICE, choices=["本科", "硕士", "博士"]),
            q("graduated_on", "毕业时间", "Date of graduation", FieldKind.DATE),
            q("university", "毕业院校", "University", FieldKind.TEXT),
            EMPLOYER,
            q("bank_card", "本人银行卡号", "Your bank card number", FieldKind.TEXT),
        ],
        [m("毕业证书", "Graduation certificate"), m("学位证书", "Degree certificate")],
        ("生活补贴", "高校毕业生"),
    ),
    city(
        "330200",
        ("宁波市住房和城乡建设局", "Ningbo Housing and Urban-Rural Development Bureau"),
        ("宁波市人才安居补助申请", "Housing support for talents in Ningbo"),
        (
            "符合条件的人才可申请购房补贴或租房补贴，购房补贴分年发放。",
            "Eligible talents may apply for a home-purchase subsidy, paid over several years, or a rent subsidy.",
        ),
        (
            "在宁波工作并缴纳社会保险的高层次人才和高校毕业生，本人及配偶在宁波无自有住房。",
            "High-level talents and university graduates working in Ningbo and paying social insurance there, who with their spouse own no home in Ningbo.",
        ),
        20,
        [
            q(
                "support_type",
                "补助类型",
                "Kind of support",
                FieldKind.CHOICE,
                choices=["购房补贴", "租房补贴"],
            ),
            q(
                "talent_category",
                "人才类别",
                "Talent category",
                FieldKind.CHOICE,
                choices=["高层次人才", "博士", "硕士", "本科"],
            ),
            q(
                "owns_home",
                "本人及配偶在宁波是否有自有住房",
                "Do you or your spouse own a home in Ningbo?",
                FieldKind.YES_NO,
            ),
            EMPLOYER,
            q(
                "purchase_date",
                "购房合同签订日期",
                "Date of the purchase contract",
                FieldKind.DATE,
                required=False,
            ),
        ],
        [
            ID_CARD,
            m("婚姻状况证明", "Proof of marital status", images=False),
            m("购房合同", "Home purchase contract", required=False, images=False),
            SOCIAL_INSURANCE,
        ],
        ("安居", "住房"),
    ),
    city(
        "330200",
        ("宁波市委人才办", "Ningbo Talent Office"),
        ("“甬江人才工程”项目申报", "Application to the Yongjiang Talent Project"),
        (
            "面向海内外高层次创业创新人才及团队，入选项目给予资助和配套支持。",
            "For high-level entrepreneurs and innovators from home and abroad and their teams; selected projects receive funding and support.",
        ),
        (
            "拟来宁波创业创新的高层次人才及团队，由用人单位申报；创业类须在宁波注册企业。",
            "High-level talents and teams who will start a company or innovate in Ningbo, nominated by an employer; entrepreneurs must register a company in Ningbo.",
        ),
        45,
        [
            q("project_title", "项目名称", "Project title", FieldKind.TEXT),
            q("track", "申报方向", "Track", FieldKind.CHOICE, choices=["创业", "创新"]),
            q("team_size", "团队人数", "Team size", FieldKind.NUMBER),
            q(
                "funding_requested",
                "申请资助（万元）",
                "Funding requested (10,000 yuan)",
                FieldKind.NUMBER,
            ),
        ],
        [
            m("项目申报书", "Project application", images=False),
            m("单位推荐函", "Nomination letter from the employer", images=False),
        ],
        ("甬江",),
    ),
    city(
        "320400",
        ("常州市委人才办", "Changzhou Talent Office"),
        ("“龙城英才计划”项目申报", "Application to the Dragon City Talent Plan"),
        (
            "支持高层次人才来常州创新创业，入选项目给予最高数百万元项目资助及安家补贴。",
            "Supports high-level talents who start a company or innovate in Changzhou; selected projects receive funding of up to several million yuan and a settling-in allowance.",
        ),
        (
            "拟在常州创办企业或在常州企业从事研发的海内外高层次人才。",
            "High-level talents from home and abroad who will found a company in Changzhou or lead research at a Changzhou company.",
        ),
        45,
        [
            q("project_title", "项目名称", "Project title", FieldKind.TEXT),
            q(
                "industry",
                "所属产业",
                "Industry",
                FieldKind.CHOICE,
                choices=["智能制造", "新能源", "新材料", "生物医药", "新一代信息技术", "其他"],
            ),
            q(
                "highest_degree",
                "最高学位",
                "Highest degree",
                FieldKind.CHOICE,
                choices=[*DEGREES, "其他"],
            ),
            q(
                "funding_requested",
                "申请资助（万元）",
                "Funding requested (10,000 yuan)",
                FieldKind.NUMBER,
            ),
        ],
        [m("项目申报书", "Project application", images=False), DEGREE_CERT, BUSINESS_LICENCE],
        ("龙城英才",),
    ),
    city(
        "320400",
        ("常州市人力资源和社会保障局", "Changzhou Human Resources and Social Security Bureau"),
        ("常州市高校毕业生购房补贴", "Home-purchase subsidy for university graduates in Changzhou"),
        (
            "在常州首次购买商品住房的高校毕业生可申请一次性购房补贴。",
            "University graduates buying their first home in Changzhou may claim a one-off subsidy.",
        ),
        (
            "毕业5年内、在常州工作并缴纳社保、首次在常州购房的全日制本科及以上学历高校毕业生。",
            "Graduates with a full-time bachelor's degree or higher, within five years of graduation, working in Changzhou and paying social insurance there, buying their first home in Changzhou.",
        ),
        15,
        [
            q("degree", "学历", "Degree", FieldKind.CHOICE, choices=["本科", "硕士", "博士"]),
            q("graduated_on", "毕业时间", "Date of graduation", FieldKind.DATE),
            q("purchase_date", "购房合同签订日期", "Date of the purchase contract", FieldKind.DATE),
            q("price", "购房总价（万元）", "Purchase price (10,000 yuan)", FieldKind.NUMBER),
        ],
        [ID_CARD, DEGREE_CERT, m("购房合同及发票", "Purchase contract and invoice", images=False)],
        ("购房", "住房"),
    ),
    city(
        "320800",
        ("淮安市住房和城乡建设局", "Huai'an Housing and Urban-Rural Development Bureau"),
        ("淮安市人才公寓申请", "Talent apartment in Huai'an"),
        (
            "符合条件的人才可申请入住人才公寓，租金低于市场价，最长可租住3年。",
            "Eligible talents may rent a talent apartment below the market rent for up to three years.",
        ),
        (
            "在淮安工作、本人及配偶在淮安无自有住房的高层次人才和全日制本科以上高校毕业生。",
            "High-level talents and graduates with a full-time bachelor's degree or higher who work in Huai'an and, with their spouse, own no home there.",
        ),
        10,
        [
            q(
                "talent_category",
                "人才类别",
                "Talent category",
                FieldKind.CHOICE,
                choices=["高层次人才", "博士", "硕士", "本科"],
            ),
            EMPLOYER,
            q("household_size", "共同居住人数", "People who will live with you", FieldKind.NUMBER),
            q(
                "owns_home",
                "本人及配偶在淮安是否有自有住房",
                "Do you or your spouse own a home in Huai'an?",
                FieldKind.YES_NO,
            ),
        ],
        [ID_CARD, DEGREE_CERT, CONTRACT],
        ("人才公寓",),
    ),
    city(
        "320800",
        ("淮安市委人才办", "Huai'an Talent Office"),
        ("淮安市高层次人才服务绿卡领取", "Collecting the Huai'an high-level talent green card"),
        (
            "“淮上英才计划”入选人才及经认定的高层次人才，凭绿卡享受政务、医疗、出行等便利服务。绿卡须本人到人才服务窗口领取。",
            "Talents of the Huaishang Talent Plan and recognised high-level talents get easier access to government, medical and travel services with the green card, which must be collected in person at the talent service window.",
        ),
        (
            "“淮上英才计划”入选人才和经认定的高层次人才。",
            "Talents selected for the Huaishang Talent Plan and recognised high-level talents.",
        ),
        5,
        [],
        [ID_CARD, RECOGNITION],
        ("淮上英才",),
        False,
    ),
    city(
        "120116",
        ("滨海新区行政审批局", "Binhai New Area Administrative Approval Bureau"),
        (
            "“海河英才”落户申请（滨海新区）",
            "Household registration under the Haihe Talent plan (Binhai New Area)",
        ),
        (
            "符合“海河英才”行动计划条件的人才可直接在滨海新区落户，全程网上办理。",
            "Talents who meet the Haihe Talent Action Plan criteria may register their household in Binhai New Area directly, entirely online.",
        ),
        (
            "40周岁以下本科学历、45周岁以下硕士学历人才和各类博士，在滨海新区就业或创业。",
            "Graduates with a bachelor's degree under 40, a master's degree under 45, and all doctoral graduates, who work or run a business in Binhai New Area.",
        ),
        5,
        [
            q("degree", "学历", "Degree", FieldKind.CHOICE, choices=["本科", "硕士", "博士"]),
            q("age", "年龄", "Age", FieldKind.NUMBER),
            EMPLOYER,
            q("current_hukou", "现户籍所在地", "Current household registration", FieldKind.TEXT),
            q(
                "family_members",
                "随迁家属人数",
                "Family members moving with you",
                FieldKind.NUMBER,
                required=False,
            ),
        ],
        [ID_CARD, DEGREE_CERT, CONTRACT],
        ("海河英才",),
    ),
    city(
        "120116",
        (
            "滨海新区人力资源和社会保障局",
            "Binhai New Area Human Resources and Social Security Bureau",
        ),
        ("滨海新区人才租房补贴申领", "Rent subsidy for talents in Binhai New Area"),
        (
            "新引进到滨海新区工作的人才可申领租房补贴，按月计算、按季度发放，最长3年。",
            "Talents newly recruited to Binhai New Area may claim a rent subsidy, calculated monthly and paid quarterly, for up to three years.",
        ),
        (
            "在滨海新区工作、缴纳社保，本人及配偶在天津无自有住房的本科及以上学历人才。",
            "Talents with a bachelor's degree or higher who work in Binhai New Area, pay social insurance there and, with their spouse, own no home in Tianjin.",
        ),
        10,
        [
            q("degree", "学历", "Degree", FieldKind.CHOICE, choices=["本科", "硕士", "博士"]),
            EMPLOYER,
            q("monthly_rent", "月租金（元）", "Monthly rent (yuan)", FieldKind.NUMBER),
            q("lease_start", "租赁合同起始日期", "Lease starts", FieldKind.DATE),
        ],
        [ID_CARD, m("房屋租赁合同", "Tenancy agreement", images=False), SOCIAL_INSURANCE],
        ("租房", "住房"),
    ),
]

# What the office writes when it asks for more information, rejects, approves.
INFO_REQUESTS = [
    "请补充上传清晰的学位证书扫描件，现有文件无法辨认。",
    "社会保险缴纳证明须覆盖最近12个月，请重新上传。",
    "劳动合同缺少签字页，请补充。",
    "请说明认定时间与证明材料上的日期不一致的原因。",
    "请补充单位盖章的推荐意见。",
]
RESUBMISSIONS = [
    "已补充上传，请审核。",
    "已重新上传完整材料，谢谢。",
    "日期以证明材料为准，表中填写有误，已更正。",
]
REJECTIONS = [
    "经核查，申请人不符合本服务的申请条件。",
    "回国时间已超过一年，不符合申请条件。",
    "所需材料经两次补正仍不完整，不予受理。",
    "已享受过同类待遇，不能重复申请。",
]
APPROVALS = ["审核通过。", "审核通过，结果已推送至相关部门。", "", "材料齐全，予以办理。"]

EMPLOYERS = ["浙江大学", "之江实验室", "阿里巴巴（中国）有限公司", "海康威视数字技术股份有限公司", "浙江省人民医院",
             "宁波材料技术与工程研究所", "吉利汽车研究院", "常州天合光能有限公司", "淮安市第一人民医院",
             "天津滨海高新技术产业开发区管委会", "西湖大学", "杭州市第一人民医院"]  # fmt: skip
UNIVERSITIES = ["University of Cambridge", "National University of Singapore", "Technische Universität München",
                "University of Toronto", "The University of Tokyo", "浙江大学", "南京大学", "天津大学"]  # fmt: skip
TEXT_SAMPLES = {
    "study_country": ["英国", "美国", "德国", "新加坡", "日本", "澳大利亚"],
    "university": UNIVERSITIES,
    "doctorate_university": UNIVERSITIES,
    "partner_university": ["浙江大学", "浙江工业大学", "宁波大学", "江南大学"],
    "nationality": ["德国", "英国", "美国", "法国", "韩国", "意大利"],
    "field_of_work": ["人工智能", "集成电路", "生物医药", "新材料", "海洋工程", "经济学"],
    "position": ["首席科学家", "研发总监", "高级工程师", "教授"],
    "preferred_district": ["西湖区", "滨江区", "鄞州区", "余杭区"],
    "current_hukou": ["河北省石家庄市", "山东省济南市", "河南省郑州市"],
    "criterion": ["第三条第（五）项", "第四条第（二）项", "第五条第（一）项"],
}


def seed_services(*, scale: str, rng: random.Random, stdout) -> None:
    started = time.perf_counter()
    services, created = services_ensure()
    count = applications_ensure(
        services=[s for s in services if s.is_online], count=APPLICATION_COUNTS[scale], rng=rng
    )
    stdout.write(
        f"  services: {created} new, {len(services)} in all; applications: {count} new, "
        f"{ServiceApplication.objects.count()} in all ({time.perf_counter() - started:.1f}s)"
    )


# Services -----------------------------------------------------------------------------------


def service_definitions() -> list[dict]:
    return [{**item, "region": "330000"} for item in PROVINCIAL] + CITIES


def demo_services():
    """The services this seed makes (found by region and Chinese name)."""
    matches = Q()
    for definition in service_definitions():
        matches |= Q(region_id=definition["region"], name_zh=definition["name"][0])
    return ServiceItem.objects.filter(matches)


def services_ensure() -> tuple[list[ServiceItem], int]:
    """The demo services, created when missing (found by region and Chinese name); one made
    now is linked to the policy it implements (what staff set or cleared later stays)."""
    services, created = [], 0
    regions = Region.objects.in_bulk([d["region"] for d in service_definitions()])
    for position, definition in enumerate(service_definitions(), start=1):
        validate_form_schema(definition["schema"])
        service, is_new = ServiceItem.objects.get_or_create(
            region=regions[definition["region"]],
            name_zh=definition["name"][0],
            defaults={
                "name_en": definition["name"][1],
                "department_zh": definition["department"][0],
                "department_en": definition["department"][1],
                "description_zh": definition["description"][0],
                "description_en": definition["description"][1],
                "audience_zh": definition["audience"][0],
                "audience_en": definition["audience"][1],
                "form_schema": definition["schema"],
                "promised_days": definition["days"],
                "is_online": definition.get("online", True),
                "is_published": True,
                "position": position,
            },
        )
        if is_new:
            created += 1
            if definition["keywords"]:
                service.policy = policy_for(service.region, definition["keywords"])
                if service.policy is not None:
                    service.save(update_fields=["policy"])
                    benefits_link(service, definition["keywords"])
            ServiceMaterial.objects.bulk_create(
                ServiceMaterial(
                    service=service,
                    name_zh=name_zh,
                    name_en=name_en,
                    required=required,
                    accepts_images=images,
                    position=index,
                )
                for index, (name_zh, name_en, required, images) in enumerate(
                    definition["materials"], start=1
                )
            )
        services.append(service)
    return services, created


def benefits_link(service: ServiceItem, keywords: tuple[str, ...]) -> int:
    """Point the benefits of the service's policy that its keywords name (and no service
    grants yet) at the service: the calculator's "apply online" link."""
    matches = Q()
    for keyword in keywords:
        matches |= Q(title_zh__contains=keyword)
    return (
        Benefit.objects.filter(policy=service.policy, service__isnull=True)
        .filter(matches)
        .update(service=service)
    )


def policy_for(region: Region, keywords: tuple[str, ...]) -> Policy | None:
    """The newest published policy of the region whose title has one of the keywords."""
    matches = Q()
    for keyword in keywords:
        matches |= Q(title_zh__contains=keyword)
    return (
        Policy.objects.filter(region=region, status=PolicyStatus.PUBLISHED)
        .filter(matches)
        .only("pk")
        .order_by("-issued_on", "-pk")
        .first()
    )


# Applications -------------------------------------------------------------------------------

#: Final status → the transitions that lead there from a draft, and its share of applications.
PATHS = [
    ([], 8),
    ([S.SUBMITTED], 12),
    ([S.SUBMITTED, S.IN_REVIEW], 12),
    ([S.SUBMITTED, S.IN_REVIEW, S.NEEDS_INFO], 7),
    ([S.SUBMITTED, S.IN_REVIEW, S.NEEDS_INFO, S.RESUBMITTED], 5),
    ([S.SUBMITTED, S.IN_REVIEW, S.APPROVED], 30),
    ([S.SUBMITTED, S.IN_REVIEW, S.NEEDS_INFO, S.RESUBMITTED, S.IN_REVIEW, S.APPROVED], 8),
    ([S.SUBMITTED, S.APPROVED], 5),
    ([S.SUBMITTED, S.IN_REVIEW, S.REJECTED], 9),
    ([S.SUBMITTED, S.WITHDRAWN], 3),
    ([S.WITHDRAWN], 1),
]
#: The demo talent's own applications come first: one waiting for their answer, one approved,
#: one draft, so that "My applications" shows the interesting cases at once.
DEMO_TALENT_PATHS = [PATHS[3][0], PATHS[5][0], PATHS[0][0]]


def applications_ensure(*, services: list[ServiceItem], count: int, rng: random.Random) -> int:
    """Make the first `count` planned applications exist; returns how many were added. Only
    the demo people's applications count, and only demo people apply."""
    demo_applications = ServiceApplication.objects.filter(
        service__in=services, applicant__is_demo=True
    )
    existing = demo_applications.count()
    if existing >= count or not services:
        return 0
    accounts = {user.username: user for user in demo_accounts_ensure()}
    talents = list(
        User.objects.demo()
        .filter(kind=AccountKind.TALENT, is_active=True, is_staff=False)
        .order_by("date_joined", "username")
        .values_list("pk", flat=True)
    )
    plan = application_plan(
        services=services,
        talents=talents,
        demo_talent=accounts["demo-talent"].pk,
        count=count,
        rng=rng,
        now=timezone.now(),
        drafts=set(
            demo_applications.filter(status=S.DRAFT).values_list("applicant_id", "service_id")
        ),
    )[existing:]
    staff = accounts["demo-staff"]
    through_workflow = plan[: max(0, WORKFLOW_COUNT - existing)]
    applicants = User.objects.in_bulk({item["applicant"] for item in through_workflow})
    with quietly():
        for item in through_workflow:
            application_through_workflow(item, applicant=applicants[item["applicant"]], staff=staff)
    applications_copy(plan[len(through_workflow) :], staff=staff)
    return len(plan)


def application_plan(
    *, services, talents, demo_talent, count, rng, now, drafts=frozenset()
) -> list[dict]:
    """The first `count` applications: who applies for what, answers, path and timing.
    The same arguments give the same plan. Nobody applies for a service while they have a
    draft for it, planned or among `drafts` (applicant id, service id) already there."""
    if not talents:
        talents = [demo_talent]
    paths = [path for path, _weight in PATHS]
    weights = [weight for _path, weight in PATHS]
    drafts = set(drafts)
    plan = []
    for index in range(count):
        if index < len(DEMO_TALENT_PATHS):
            applicant, path = demo_talent, DEMO_TALENT_PATHS[index]
        else:
            applicant = talents[rng.randrange(len(talents))]
            path = rng.choices(paths, weights)[0]
        service = services[rng.randrange(len(services))]
        if (applicant, service.pk) in drafts:
            # Whoever has a draft continues it rather than starting another application.
            others = [s for s in services if (applicant, s.pk) not in drafts]
            if not others:
                continue
            service = others[0]
        if not path:
            drafts.add((applicant, service.pk))
        created_at = now - datetime.timedelta(
            days=rng.randint(2, SPREAD_DAYS), minutes=rng.randint(0, 600)
        )
        steps, moment = [], created_at
        for to in path:
            moment = min(now, moment + datetime.timedelta(hours=rng.randint(2, 90)))
            steps.append((to, moment, step_comment(to, rng)))
        plan.append(
            {
                "applicant": applicant,
                "service": service,
                "answers": answers_for(service.form_schema, rng, now.date()),
                "created_at": created_at,
                "steps": steps,
            }
        )
    return plan


COMMENTS = {
    S.NEEDS_INFO: INFO_REQUESTS,
    S.RESUBMITTED: RESUBMISSIONS,
    S.REJECTED: REJECTIONS,
    S.APPROVED: APPROVALS,
}


def step_comment(to: str, rng: random.Random) -> str:
    choices = COMMENTS.get(to)
    return rng.choice(choices) if choices else ""


def answers_for(schema: list, rng: random.Random, today: datetime.date) -> dict:
    """Plausible answers to every question (optional ones sometimes left out)."""
    answers = {}
    for item in schema:
        if not item.get("required") and rng.random() < 0.3:
            continue
        name, kind = item["name"], item["kind"]
        if kind == FieldKind.CHOICE:
            answers[name] = rng.choice(item["choices"])
        elif kind == FieldKind.YES_NO:
            answers[name] = rng.random() < 0.35
        elif kind == FieldKind.DATE:
            answers[name] = (today - datetime.timedelta(days=rng.randint(30, 4_000))).isoformat()
        elif kind == FieldKind.NUMBER:
            answers[name] = str(rng.randint(1, 40))
        elif name == "employer" or name in ("company", "unit_name", "account_holder", "station"):
            answers[name] = rng.choice(EMPLOYERS)
        else:
            answers[name] = rng.choice(TEXT_SAMPLES.get(name, ["见附件", "详见申报材料"]))
    return answers


def application_through_workflow(item: dict, *, applicant: User, staff: User) -> None:
    """Create and move one application with the workflow functions, then back-date it."""
    application = workflow.application_create(
        model=ServiceApplication,
        applicant=applicant,
        service=item["service"],
        answers=item["answers"],
    )
    for to, _moment, comment in item["steps"]:
        by = applicant if to in workflow.BY_APPLICANT else staff
        workflow.application_transition(application=application, to=to, by=by, comment=comment)
    backdate(application, item)


def backdate(application: ServiceApplication, item: dict) -> None:
    """Put the application's dates and its timeline where the plan says they happened."""
    events = list(ApplicationEvent.objects.filter(reference=application.reference).order_by("pk"))
    moments = [item["created_at"], *(moment for _to, moment, _comment in item["steps"])]
    for event, moment in zip(events, moments, strict=True):
        event.created_at = moment
    ApplicationEvent.objects.bulk_update(events, ["created_at"])
    ServiceApplication.objects.filter(pk=application.pk).update(**timestamps(item))


def timestamps(item: dict) -> dict:
    """created_at, updated_at, submitted_at, due_on and decided_at of a planned application."""
    submitted = next((moment for to, moment, _c in item["steps"] if to == S.SUBMITTED), None)
    decided = next(
        (moment for to, moment, _c in item["steps"] if to in (S.APPROVED, S.REJECTED)), None
    )
    last = item["steps"][-1][1] if item["steps"] else item["created_at"]
    due = None
    if submitted is not None:
        due = workflow.add_working_days(
            timezone.localdate(submitted), item["service"].promised_days
        )
    return {
        "created_at": item["created_at"],
        "updated_at": last,
        "submitted_at": submitted,
        "due_on": due,
        "decided_at": decided,
    }


def applications_copy(plan: list[dict], *, staff: User) -> None:
    """Write planned applications and their timelines with COPY (the large data set): the
    same rows and events the workflow functions would have written, without notifications."""
    if not plan:
        return
    plan = sorted(plan, key=lambda item: item["created_at"])  # numbers in order of creation
    references = references_reserve(plan)
    app_table = ServiceApplication._meta.db_table
    event_table = ApplicationEvent._meta.db_table
    app_columns = [
        "reference", "applicant_id", "service_id", "status", "answers", "created_at",
        "updated_at", "submitted_at", "due_on", "decided_at", "decided_by_id", "decision_reason",
    ]  # fmt: skip
    event_columns = ["reference", "actor_id", "from_status", "to_status", "comment", "created_at"]
    with connection.cursor() as cursor:
        for start in range(0, len(plan), BATCH):
            batch = plan[start : start + BATCH]
            with cursor.copy(f"COPY {app_table} ({', '.join(app_columns)}) FROM STDIN") as copy:
                for item, reference in zip(batch, references[start:], strict=False):
                    final = item["steps"][-1] if item["steps"] else None
                    decided = final is not None and final[0] in (S.APPROVED, S.REJECTED)
                    dates = timestamps(item)
                    copy.write_row(
                        [
                            reference,
                            item["applicant"],
                            item["service"].pk,
                            (final[0] if final else S.DRAFT).value,
                            Jsonb(item["answers"]),
                            dates["created_at"],
                            dates["updated_at"],
                            dates["submitted_at"],
                            dates["due_on"],
                            dates["decided_at"],
                            staff.pk if decided else None,
                            final[2] if decided else "",
                        ]
                    )
            with cursor.copy(f"COPY {event_table} ({', '.join(event_columns)}) FROM STDIN") as copy:
                for item, reference in zip(batch, references[start:], strict=False):
                    copy.write_row(
                        [reference, item["applicant"], "", S.DRAFT.value, "", item["created_at"]]
                    )
                    current = S.DRAFT
                    for to, moment, comment in item["steps"]:
                        actor = item["applicant"] if to in workflow.BY_APPLICANT else staff.pk
                        copy.write_row([reference, actor, current.value, to.value, comment, moment])
                        current = to


def references_reserve(plan: list[dict]) -> list[str]:
    """One reference number per planned application, in the year it was created, taken from
    the shared counter in one upsert per year (so the workflow never hands them out again)."""
    years: dict[int, int] = {}
    for item in plan:
        year = timezone.localtime(item["created_at"]).year
        years[year] = years.get(year, 0) + 1
    table = ReferenceCounter._meta.db_table
    prefix = ServiceApplication.REFERENCE_PREFIX
    next_number = {}
    with connection.cursor() as cursor:
        for year, needed in years.items():
            cursor.execute(
                f"""INSERT INTO {table} (prefix, year, last) VALUES (%s, %s, %s)
                    ON CONFLICT (prefix, year) DO UPDATE SET last = {table}.last + EXCLUDED.last
                    RETURNING last""",
                [prefix, year, needed],
            )
            (last,) = cursor.fetchone()
            next_number[year] = last - needed + 1
    references = []
    for item in plan:
        year = timezone.localtime(item["created_at"]).year
        references.append(f"{prefix}-{year}-{next_number[year]:06d}")
        next_number[year] += 1
    return references

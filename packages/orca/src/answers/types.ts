// ORCA's answers as plain, validated data: padded records removed, numbers as numbers, dates as ISO
// `YYYY-MM-DD`, blanks as absent. Field names follow ORCA's (in the domain's words, with the ORCA name
// in a comment where it differs). Every answer keeps the JSON it was read from in `raw`.

/** What every answer carries. */
export interface AnswerHead {
  /** ORCA's own date and time of the answer (JST): the clock the checkpoint follows. */
  informationDate: string;
  informationTime?: string;
  /** A warning Api_Result (`K1 診療日を設定しました`), when ORCA gave one. */
  warning?: string;
  /** The answer as received (JSON, or the JSON form of the XML): for audit and re-mapping. */
  raw: unknown;
}

/** One entry of 患者番号一覧 (patientlst1v2). */
export interface ChangedPatient {
  patientId: string;
  name?: string;
  kanaName?: string;
  birthDate?: string;
  /** 1 男, 2 女. */
  sex?: string;
  createDate?: string;
  updateDate?: string;
  testPatient: boolean;
}

export interface PatientListAnswer extends AnswerHead {
  /** Target_Patient_Count: how many patients matched (may exceed the 1000 listed). */
  targetCount: number;
  patients: ChangedPatient[];
}

export interface PublicInsurance {
  /** 公費の種類 (PublicInsurance_Class), e.g. `051`. */
  publicClass?: string;
  name?: string;
  /** 負担者番号 (PublicInsurer_Number). */
  payerNumber?: string;
  /** 受給者番号 (PublicInsuredPerson_Number). */
  recipientNumber?: string;
  startDate?: string;
  endDate?: string;
}

/** One 保険組合せ of patientgetv2 (HealthInsurance_Information). */
export interface InsuranceCombination {
  /** 保険組合せ番号 (Insurance_Combination_Number). */
  combinationNumber: string;
  /** 外来負担割合 (InsuranceCombination_Rate_Outpatient), 0.30 = 3割. */
  rateOutpatient?: number;
  /** 保険の種類 (InsuranceProvider_Class): 060 国保, 009 協会, 039 後期高齢者, 980 自費 … */
  providerClass?: string;
  /** 保険者番号. */
  providerNumber?: string;
  providerName?: string;
  /** 記号, 番号, 枝番 (full-width digits as ORCA holds them). */
  symbol?: string;
  number?: string;
  branchNumber?: string;
  /** 本人家族区分: 1 本人, 2 家族. */
  relation?: string;
  insuredName?: string;
  startDate?: string;
  endDate?: string;
  checkDate?: string;
  hidden: boolean;
  publicInsurances: PublicInsurance[];
}

export interface PatientAddress {
  zipCode?: string;
  line1?: string;
  line2?: string;
  phone1?: string;
  phone2?: string;
}

/** 患者基本情報 (patientgetv2). */
export interface PatientAnswer extends AnswerHead {
  patientId: string;
  name?: string;
  kanaName?: string;
  birthDate?: string;
  sex?: string;
  home?: PatientAddress;
  testPatient: boolean;
  firstVisitDate?: string;
  lastVisitDate?: string;
  insurances: InsuranceCombination[];
}

/** One 単独病名 or 修飾語 of a disease (Disease_Single). */
export interface DiseaseSingle {
  /** 7-digit 傷病名コード, `ZZZnnnn` 修飾語コード, or `0000999` 未コード化傷病名. */
  code: string;
  name?: string;
}

/** One disease of 患者病名情報 (diseasegetv2, Disease_Information). */
export interface Disease {
  departmentCode?: string;
  /** The whole name as ORCA shows it (modifiers included). */
  name?: string;
  singles: DiseaseSingle[];
  /** 補足コメント (Disease_Supplement_Name). */
  supplement?: string;
  /** 主病名: `PD` (Disease_Category). */
  category?: string;
  /** 疑いフラグ: `S` 疑い, `A` 急性, `SA` both (Disease_SuspectedFlag). */
  suspectedFlag?: string;
  startDate?: string;
  endDate?: string;
  /** 転帰区分: F 治ゆ, D 死亡, C 中止, S 移行 (Disease_OutCome). */
  outcome?: string;
  /** 疾患区分 (Disease_Class), e.g. 05 特定疾患. */
  diseaseClass?: string;
  insuranceCombinationNumber?: string;
  /** 保険病名 (Insurance_Disease). */
  insuranceDisease?: boolean;
}

export interface DiseaseAnswer extends AnswerHead {
  patientId: string;
  baseMonth?: string;
  diseases: Disease[];
}

/** One visit of 受診履歴 (medicalgetv2 class 01, Medical_List_Information). */
export interface Visit {
  performDate: string;
  departmentCode: string;
  departmentName?: string;
  /** 連番 (診療科毎の同日連番). */
  sequentialNumber: string;
  insuranceCombinationNumber?: string;
  /** 伝票番号 (外来のみ). */
  invoiceNumber?: string;
}

export interface VisitListAnswer extends AnswerHead {
  patientId: string;
  visits: Visit[];
}

/** One 診療行為 of a 剤 (Medication_info). */
export interface MedicalItem {
  code: string;
  name?: string;
  /** 数量 (薬剤・器材; 1 for others). */
  number?: number;
  unitCode?: string;
  unitName?: string;
}

/** One 剤 (Medical_Information): 診療種別区分 and its items. */
export interface MedicalBlock {
  /** 診療種別区分 (Medical_Class), e.g. 120 再診料, 21x 内服, 22x 頓服, 23x 外用. */
  medicalClass: string;
  medicalClassName?: string;
  /** 回数 (Medical_Class_Number). */
  count?: number;
  items: MedicalItem[];
}

/** 診療行為剤内容詳細 (medicalgetv2 class 02). */
export interface VisitDetailAnswer extends AnswerHead {
  patientId: string;
  performDate: string;
  departmentCode: string;
  departmentName?: string;
  sequentialNumber: string;
  /** Per 保険組合せ (Medical_List_Information, up to 5). */
  parts: { insuranceCombinationNumber?: string; invoiceNumber?: string; blocks: MedicalBlock[] }[];
}

/** One 受付 (acceptlstv2, Acceptlst_Information). */
export interface Acceptance {
  acceptanceId?: string;
  acceptanceTime?: string;
  departmentCode?: string;
  departmentName?: string;
  physicianCode?: string;
  physicianName?: string;
  /** 診療内容 (Medical_Information), e.g. 01. */
  medicalInformation?: string;
  patientId: string;
  patientName?: string;
  insuranceCombinationNumber?: string;
}

export interface AcceptanceListAnswer extends AnswerHead {
  acceptanceDate: string;
  acceptances: Acceptance[];
}

/** A line of a 処方 Rp: a drug (`6…` 9 digits), a 用法 (`001…`), or a comment. */
export interface FormMedication {
  name?: string;
  amount?: number;
  unitName?: string;
  /** 診療行為コード (レセ電算 9 digits). */
  code?: string;
  /** 一般名記載 (Generic_Flg = 1). */
  generic: boolean;
  /** 薬価基準コード (Generic_Code, 12 characters). */
  yjCode?: string;
}

/** One Rp of a form: 診療区分 (21 内服, 22 頓服, 23 外用), 日数・回数 and lines. */
export interface FormRp {
  medicalClass?: string;
  /** 日数・回数 (Count). */
  count?: number;
  /** 日分, 回分 … */
  countUnit?: string;
  medications: FormMedication[];
}

/** 処方せん (prescriptionv2) or お薬手帳 (medicinenotebookv2): one form's data. */
export interface MedicationFormAnswer extends AnswerHead {
  formId: string;
  patientId: string;
  performDate?: string;
  issuedDate?: string;
  invoiceNumber?: string;
  departmentCode?: string;
  doctorCode?: string;
  doctorName?: string;
  hospitalName?: string;
  rps: FormRp[];
  memos: string[];
}

/** A 受付 with the day it belongs to. */
export type DatedAcceptance = Acceptance & { acceptanceDate: string };

/** One visit as read: the 受診履歴 entry, its content, and its 処方せん or お薬手帳. */
export interface VisitData {
  visit: Visit;
  detail: VisitDetailAnswer;
  /** 院外処方: the 処方せん (prescriptionv2). */
  prescription?: MedicationFormAnswer;
  /** 院内処方: the お薬手帳 (medicinenotebookv2), when the visit has no 処方せん. */
  notebook?: MedicationFormAnswer;
}

/** Everything read about one patient: complete, or not returned at all. */
export interface OrcaPatientData {
  patientId: string;
  /** `gone`: ORCA answered Api_Result 10 (no such patient): deleted or merged in ORCA. */
  status: 'present' | 'gone';
  patient?: PatientAnswer;
  diseases?: DiseaseAnswer;
  /** Months (`YYYY-MM`) whose visits were all read: what ORCA no longer lists there is gone. */
  months: string[];
  visits: VisitData[];
  /** This patient's 受付 on the days the pull looked at (the visits not billed yet among them). */
  acceptances: DatedAcceptance[];
  /** The days whose 受付 were all listed (an incremental pull's days; none on a full pull). */
  acceptanceDays: string[];
}

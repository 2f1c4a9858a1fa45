// Test support: one synthetic study to generate images for.
import type { SyntheticStudy } from '../synthetic/study.js';

export const STUDY: SyntheticStudy = {
  patientId: '00012345',
  issuerOfPatientId: 'HAREYAKA-GH',
  patientName: 'Yamada^Taro=山田^太郎=やまだ^たろう',
  patientBirthDate: '19560412',
  patientSex: 'M',
  studyInstanceUid: '2.25.301207851290386930766376395187466815321',
  accessionNumber: 'ACC-2026-0001',
  studyDate: '20260115',
  studyTime: '093000',
  studyDescription: '胸部 検診',
  referringPhysician: 'Sato^Hanako=佐藤^花子',
  institutionName: '晴れやか総合病院',
};

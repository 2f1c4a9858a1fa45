// The IHE endpoints read and write XML with the platform's defensive reader and builder.
export {
  attr,
  child,
  childElements,
  children,
  el,
  escapeXml,
  parseXmlSafely,
  path,
  t,
  text,
  XML_LIMITS,
  XmlRefusal,
  type XmlRefusalCode,
} from '@hie/platform';

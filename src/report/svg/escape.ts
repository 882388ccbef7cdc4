/** Text and attribute values of the report: escaped once, here. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A hover title: the SVG <title> child that browsers show as a tooltip. */
export function title(text: string): string {
  return `<title>${escapeXml(text)}</title>`;
}

/** A number for an SVG attribute, short and stable. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

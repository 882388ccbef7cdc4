/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Debian's Chromium, driven through the DevTools protocol by playwright-core (no browser is downloaded).
 * A missing browser fails the tests that need it, saying how to install it: nothing is skipped silently.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.TUGBOAT_CHROMIUM ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the report tests render in a real browser. Install Debian's package (apt-get install -y chromium; .ci/run does it) or point TUGBOAT_CHROMIUM at a Chromium binary.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
}

export interface RenderedReport {
  page: Page;
  /** Console errors and uncaught page errors, in order. */
  errors: string[];
}

/** Opens a report's HTML with every folded section unfolded, so each picture is laid out. */
export async function openReport(browser: Browser, html: string): Promise<RenderedReport> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("request", (request) => {
    if (!request.url().startsWith("data:") && request.url() !== "about:blank")
      errors.push(`network request: ${request.url()}`);
  });
  await page.setContent(html, { waitUntil: "load" });
  await page.evaluate(() => {
    for (const details of document.querySelectorAll("details")) details.open = true;
  });
  return { page, errors };
}

export interface LabelProblem {
  picture: string;
  problem: string;
}

/**
 * Every label of every picture (axis values, captions, legend, AZ and row labels) lies inside its
 * picture and overlaps no other label, by the bounding boxes the browser laid out.
 */
export async function labelProblems(
  page: Page,
): Promise<{ problems: LabelProblem[]; labels: number; pictures: number }> {
  return page.evaluate(() => {
    const problems: { picture: string; problem: string }[] = [];
    let labels = 0;
    const pictures = [...document.querySelectorAll("svg.picture")];
    for (const svg of pictures) {
      const name = svg.getAttribute("aria-label") ?? "picture";
      const frame = svg.getBoundingClientRect();
      const boxes = [...svg.querySelectorAll("text")]
        .filter((t) => (t.textContent ?? "").trim().length > 0)
        .map((t) => ({ text: t.textContent ?? "", box: t.getBoundingClientRect() }));
      labels += boxes.length;
      for (const { text, box } of boxes) {
        if (
          box.left < frame.left - 0.5 ||
          box.right > frame.right + 0.5 ||
          box.top < frame.top - 0.5 ||
          box.bottom > frame.bottom + 0.5
        ) {
          problems.push({ picture: name, problem: `"${text}" lies outside the picture` });
        }
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!.box;
          const b = boxes[j]!.box;
          const overlapX = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const overlapY = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (overlapX > 0.5 && overlapY > 0.5) {
            problems.push({ picture: name, problem: `"${boxes[i]!.text}" overlaps "${boxes[j]!.text}"` });
          }
        }
      }
    }
    return { problems, labels, pictures: pictures.length };
  });
}

export interface LaneSegmentData {
  zone: string;
  state: string;
  batch: number;
  fromMs: number;
  toMs: number;
}

/** The node timeline's segments as drawn, read back from the page. */
export async function drawnLaneSegments(page: Page, pictureId: string): Promise<LaneSegmentData[]> {
  return page.evaluate((id) => {
    return [...document.querySelectorAll(`#${CSS.escape(id)} rect.lane-seg`)].map((r) => ({
      zone: r.getAttribute("data-zone") ?? "",
      state: r.getAttribute("data-state") ?? "",
      batch: Number(r.getAttribute("data-batch")),
      fromMs: Number(r.getAttribute("data-from")),
      toMs: Number(r.getAttribute("data-to")),
    }));
  }, pictureId);
}

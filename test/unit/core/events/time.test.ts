import { describe, expect, it } from "vitest";
import { formatInstant, parseHealthTime, parseRfc1123, parseRfc3339 } from "../../../../src/core/events/time";

describe("parseRfc3339", () => {
  it.each([
    ["2021-02-01T17:18:06.082Z", "2021-02-01T17:18:06.082Z"],
    ["2020-07-01T22:19:58Z", "2020-07-01T22:19:58.000Z"],
    ["2024-05-01T14:00:00+02:00", "2024-05-01T12:00:00.000Z"],
    ["2024-05-01T10:30:00-01:30", "2024-05-01T12:00:00.000Z"],
  ])("reads %s", (text, iso) => {
    expect(parseRfc3339(text)?.toISOString()).toBe(iso);
  });

  it.each([
    "yyyy-mm-ddThh:mm:ssZ",
    '$(date -u +"%Y-%m-%dT%TZ")',
    "2021-02-30T00:00:00Z",
    "2021-13-01T00:00:00Z",
    "2021-01-01T24:00:00Z",
    "2021-01-01",
    "Sat, 05 Jun 2021 10:00:00 GMT",
    "",
  ])("gives null for %j", (text) => {
    expect(parseRfc3339(text)).toBeNull();
  });
});

describe("parseRfc1123", () => {
  it("reads the AWS Health form", () => {
    expect(parseRfc1123("Sat, 05 Jun 2021 10:00:00 GMT")?.toISOString()).toBe("2021-06-05T10:00:00.000Z");
    expect(parseRfc1123("Thu, 27 Aug 2026 13:19:03 GMT")?.toISOString()).toBe("2026-08-27T13:19:03.000Z");
  });

  it("does not insist that the weekday fits the date, as published samples get it wrong", () => {
    // 27 Jan 2026 was a Tuesday; the Health retirement sample says Thursday.
    expect(parseRfc1123("Thu, 27 Jan 2026 13:44:13 GMT")?.toISOString()).toBe("2026-01-27T13:44:13.000Z");
  });

  it.each(["Sat, 31 Jun 2021 10:00:00 GMT", "Sat, 05 Jux 2021 10:00:00 GMT", "2021-06-05T10:00:00Z", "soon"])(
    "gives null for %j",
    (text) => {
      expect(parseRfc1123(text)).toBeNull();
    },
  );
});

describe("parseHealthTime", () => {
  it("accepts RFC 1123 first and RFC 3339 as the Health API's own form", () => {
    expect(parseHealthTime("Sat, 05 Jun 2021 10:00:00 GMT")?.toISOString()).toBe("2021-06-05T10:00:00.000Z");
    expect(parseHealthTime("2021-06-05T10:00:00Z")?.toISOString()).toBe("2021-06-05T10:00:00.000Z");
    expect(parseHealthTime(undefined)).toBeNull();
  });
});

describe("formatInstant", () => {
  it("drops zero milliseconds and keeps others", () => {
    expect(formatInstant(new Date("2021-06-05T10:02:00Z"))).toBe("2021-06-05T10:02:00Z");
    expect(formatInstant(new Date("2021-06-05T10:02:00.250Z"))).toBe("2021-06-05T10:02:00.250Z");
  });
});

import { BadRequestError } from "@spa-bff/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sanitizeFileName } from "./file-name.ts";

const safeName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function refusal(name: unknown): unknown {
  try {
    sanitizeFileName(name);
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${JSON.stringify(name)} to be refused`);
}

describe("sanitizeFileName", () => {
  it("keeps an ordinary name as it is", () => {
    // Act
    const name = sanitizeFileName("holiday-photo_2024.v2.png");
    // Assess
    expect(name).toBe("holiday-photo_2024.v2.png");
  });

  it.each([
    ["../../etc/passwd", "passwd"],
    ["..\\..\\windows\\system32\\cmd.exe", "cmd.exe"],
    ["/etc/shadow", "shadow"],
    ["C:\\Users\\alice\\report.pdf", "report.pdf"],
    ["uploads/bob/secret.png", "secret.png"],
    ["%2e%2e%2fpasswd", "2e_2e_2fpasswd"],
    ["..%2f..%2fpasswd", "2f._2fpasswd"],
    ["．．／．．／passwd", "passwd"],
    ["Résumé 2024 (1).pdf", "R_sum_2024_1_.pdf"],
    ["写真.png", "png"],
    [".bashrc", "bashrc"],
    ["-rf", "rf"],
    ["a..b...c.txt", "a.b.c.txt"],
    ['<script>alert("x")</script>.txt', "script_.txt"],
    ["name with spaces.txt", "name_with_spaces.txt"],
    ["evil.png?x=1#frag", "evil.png_x_1_frag"],
    ["ｆｕｌｌｗｉｄｔｈ.txt", "fullwidth.txt"],
  ])("turns %j into the safe name %j", (input, expected) => {
    // Act
    const name = sanitizeFileName(input);
    // Assess
    expect(name).toBe(expected);
    expect(name).toMatch(safeName);
  });

  it("shortens a long name to 100 characters and keeps its extension", () => {
    // Act
    const name = sanitizeFileName(`${"a".repeat(200)}.jpeg`);
    // Assess
    expect(name).toHaveLength(100);
    expect(name.endsWith(".jpeg")).toBe(true);
  });

  it.each([
    ["a NUL byte", "cat.png\u0000.exe"],
    ["a newline", "cat\n.png"],
    ["a carriage return", "cat\r.png"],
    ["a C1 control", "cat\u0085.png"],
    ["a line separator", "cat\u2028.png"],
    ["an empty string", ""],
    ["only dots", ".."],
    ["only separators", "../../"],
    ["only non-ASCII letters", "写真"],
    ["a name of 256 characters", "a".repeat(256)],
  ])("refuses a name with %s", (_what, input) => {
    // Act
    const error = refusal(input);
    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: "invalid_file_name", status: 400 });
  });

  it("refuses a name that is not a string", () => {
    // Act
    const error = refusal(42);
    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: "invalid_file_name", message: '"name" must be a non-empty string' });
  });

  it("gives, for any string, either a safe name or invalid_file_name", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" })), (input) => {
        let name: string;
        try {
          name = sanitizeFileName(input);
        } catch (error) {
          expect(error).toBeInstanceOf(BadRequestError);
          expect((error as BadRequestError).code).toBe("invalid_file_name");
          return;
        }
        expect(name).toMatch(safeName);
        expect(name).not.toContain("..");
      }),
    );
  });
});

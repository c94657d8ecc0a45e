import { BadRequestError } from "@spa-bff/core";
import { describe, expect, it } from "vitest";
import { thrown } from "../testing/fixtures.ts";
import { allowedContentTypes, assertAllowedContentType } from "./content-type.ts";
import { maxFileBytes, parseUploadRequest } from "./upload-request.ts";

describe("parseUploadRequest", () => {
  it("returns the sanitised name, the allowlisted type and the size", () => {
    // Act
    const request = parseUploadRequest({ name: "../Cat Pic.PNG", contentType: " Image/PNG ", size: 1234, extra: true });
    // Assess
    expect(request).toEqual({ name: "Cat_Pic.PNG", contentType: "image/png", size: 1234 });
  });

  it("accepts a file of exactly the size limit", () => {
    // Act
    const request = parseUploadRequest({ name: "big.pdf", contentType: "application/pdf", size: maxFileBytes });
    // Assess
    expect(request.size).toBe(10 * 1024 * 1024);
  });

  it("refuses a file one byte over the limit with file_too_large", () => {
    // Act
    const error = thrown(() => parseUploadRequest({ name: "big.pdf", contentType: "application/pdf", size: maxFileBytes + 1 }));
    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: "file_too_large", status: 400, message: '"size" must be at most 10485760 bytes' });
  });

  it("honours a smaller limit given by the caller", () => {
    // Act
    const error = thrown(() => parseUploadRequest({ name: "a.txt", contentType: "text/plain", size: 11 }, 10));
    // Assess
    expect(error).toMatchObject({ code: "file_too_large" });
  });

  it.each([[0], [-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY], ["1024"], [null], [undefined], [2 ** 53]])(
    "refuses the size %j as bad_request",
    (size) => {
      // Act
      const error = thrown(() => parseUploadRequest({ name: "a.txt", contentType: "text/plain", size }));
      // Assess
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error).toMatchObject({ code: "bad_request", status: 400, message: '"size" must be a whole number of bytes, at least 1' });
    },
  );

  it.each([[null], [[]], ["name=a.txt"], [42]])("refuses the body %j", (body) => {
    // Act
    const error = thrown(() => parseUploadRequest(body));
    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: "bad_request", message: 'The body must be a JSON object {"name","contentType","size"}' });
  });
});

describe("assertAllowedContentType", () => {
  it.each(allowedContentTypes.map((type) => [type]))("accepts %s", (type) => {
    // Act
    const accepted = assertAllowedContentType(type);
    // Assess
    expect(accepted).toBe(type);
  });

  it.each([
    ["text/html"],
    ["image/svg+xml"],
    ["application/javascript"],
    ["application/octet-stream"],
    ["image/*"],
    ["text/plain; charset=utf-8"],
    ["image/png\u0000"],
    ["image/png\r\nx-amz-acl: public-read"],
    [""],
    [undefined],
    [["image/png"]],
  ])("refuses the content type %j with unsupported_content_type", (type) => {
    // Act
    const error = thrown(() => assertAllowedContentType(type));
    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({
      code: "unsupported_content_type",
      status: 400,
      message: '"contentType" must be one of: image/png, image/jpeg, image/gif, image/webp, application/pdf, text/plain',
    });
  });
});

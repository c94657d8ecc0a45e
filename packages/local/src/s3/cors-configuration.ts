/**
 * The bucket's CORS configuration: the SPA's origin may PUT (the browser
 * uploads straight to a presigned URL) and GET (downloads), sending only
 * `content-type`; every other origin is refused. Mirrors the bucket's CORS
 * rule in AWS.
 */
export function corsConfiguration(origin: string): string {
  const allowed = new URL(origin).origin;
  if (allowed === "null" || allowed !== origin.replace(/\/$/, "")) {
    throw new TypeError(`"corsOrigin" must be an origin without path, got "${origin}"`);
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    "<CORSRule>",
    `<AllowedOrigin>${escapeXml(allowed)}</AllowedOrigin>`,
    "<AllowedMethod>PUT</AllowedMethod>",
    "<AllowedMethod>GET</AllowedMethod>",
    "<AllowedHeader>content-type</AllowedHeader>",
    "<ExposeHeader>ETag</ExposeHeader>",
    "<MaxAgeSeconds>300</MaxAgeSeconds>",
    "</CORSRule>",
    "</CORSConfiguration>",
  ].join("");
}

function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

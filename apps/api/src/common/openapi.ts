import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

const DESCRIPTION = `Initial Data Production of GP practice clinical system migrations in England, as a durable process.

Every route except \`/health\` needs an API key of your organisation: \`Authorization: Bearer idp_<prefix>_<secret>\`.
Every error is an \`application/problem+json\` body (RFC 9457): \`type\`, \`title\`, \`status\`, \`detail\`, and for
invalid input \`errors\` with each field and what to fix. Request bodies refuse fields they do not list; an
optional field may be null, which means the same as leaving it out.`;

/** The OpenAPI document of the API, served at /docs (UI) and /docs-json. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('IDP Orchestrator API')
      .setDescription(DESCRIPTION)
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'idp_<prefix>_<secret>',
        description: 'An API key of your organisation: idp_<prefix>_<secret>',
      })
      .build(),
  );
  describeRequestBodies(document);
  return document;
}

/**
 * What the validation pipe does with a body, said in the document for every schema a request body uses (nested
 * ones included): it refuses properties the DTO does not declare (`forbidNonWhitelisted`), hence
 * `additionalProperties: false`; and `@IsOptional()` takes `null` for "left out", hence every optional property
 * is `nullable`. (Schemas also used in responses, such as participants, show the same there.)
 */
function describeRequestBodies(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  const done = new Set<string>();
  const visit = (schema: SchemaObject | ReferenceObject | undefined): void => {
    if (!schema) return;
    if ('$ref' in schema) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      if (done.has(name)) return;
      done.add(name);
      const target = schemas[name] as SchemaObject | undefined;
      if (target?.type === 'object' && target.properties) {
        target.additionalProperties ??= false;
        for (const [key, property] of Object.entries(target.properties)) {
          if (!target.required?.includes(key)) target.properties[key] = nullable(property);
        }
      }
      visit(target);
      return;
    }
    for (const sub of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) visit(sub);
    visit(schema.items);
    for (const property of Object.values(schema.properties ?? {})) visit(property);
  };
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.post, item.put, item.patch]) {
      const body = operation?.requestBody;
      if (body && !('$ref' in body)) for (const media of Object.values(body.content)) visit(media.schema);
    }
  }
}

/** `schema`, also allowing null (OpenAPI 3.0: `nullable`; an `enum` must list null too; no siblings of `$ref`). */
function nullable(schema: SchemaObject | ReferenceObject): SchemaObject {
  if ('$ref' in schema) return { allOf: [schema], nullable: true };
  return { ...schema, nullable: true, ...(schema.enum ? { enum: [...schema.enum, null] } : {}) };
}

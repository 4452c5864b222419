export {
  generateOpenApiDocument,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiOptions,
  type RouterLike,
} from './generate-openapi';

import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ValidationError } from '@ablate/jobs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Route ids are UUIDs: anything else is a 400 naming the parameter (not a PostgreSQL cast error). */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string, meta: ArgumentMetadata): string {
    if (!UUID.test(value)) throw new ValidationError([{ path: meta.data ?? 'id', message: 'must be a UUID' }], 'path parameter');
    return value.toLowerCase();
  }
}

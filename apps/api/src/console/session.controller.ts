import { Body, Controller, Delete, HttpCode, Inject, Post, Res, UnauthorizedException } from '@nestjs/common';
import type { Response } from 'express';
import { SessionRequestSchema, type Session } from '@ablate/contract';
import { ApiKeyVerifier, API_KEY_COOKIE } from '../auth/api-key';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { parseOrThrow } from '@ablate/jobs';

/**
 * POST /session and DELETE /session (no key needed to reach them): the web console's sign-in.
 * The key is checked like a bearer token and set as an HttpOnly, SameSite=Strict cookie, which
 * the API-key middleware reads on every later request of that browser.
 */
@Controller('session')
export class SessionController {
  private readonly users: ApiKeyVerifier;
  private readonly admins: ApiKeyVerifier | null;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    this.users = new ApiKeyVerifier([...config.apiKeys, ...config.adminKeys]);
    this.admins = config.adminKeys.length > 0 ? new ApiKeyVerifier(config.adminKeys) : null;
  }

  @Post()
  @HttpCode(200)
  signIn(@Body() body: unknown, @Res({ passthrough: true }) res: Response): Session {
    const { key } = parseOrThrow(SessionRequestSchema, body, 'session request');
    const admin = this.admins?.verify(key) ?? false;
    if (!admin && !this.users.verify(key)) throw new UnauthorizedException('invalid API key');
    res.cookie(API_KEY_COOKIE, key, { httpOnly: true, sameSite: 'strict', path: '/' });
    return { signedIn: true, role: admin ? 'admin' : 'user' };
  }

  @Delete()
  @HttpCode(200)
  signOut(@Res({ passthrough: true }) res: Response): Session {
    res.clearCookie(API_KEY_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/' });
    return { signedIn: false, role: null };
  }
}

import { createHash, createHmac } from 'node:crypto';
import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../db/errors.js';
import { AppError, notFound } from '../errors.js';
import type { SurveyModels } from './survey.model.js';
import { z } from 'zod';

/** POST /surveys/:token body: a 1–5 score and an optional comment. */
export const answerSurveyInput = z.strictObject({
  score: z.number().int().min(1).max(5),
  comment: z.string().trim().max(500).optional(),
});
export type AnswerSurveyInput = z.infer<typeof answerSurveyInput>;

export const surveyTokenParam = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{32,64}$/, '问卷链接无效'),
});

// Answers are accepted for 30 days after the invitation goes out.
const ANSWER_WINDOW_MS = 30 * 86_400_000;
const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Claim satisfaction surveys. The token is an HMAC of the claim id under the app secret: the survey row
 * and the invitation can be rebuilt idempotently (same claim → same token) without storing the token.
 */
export function createSurveyService(deps: { models: SurveyModels; secret: string; clock: () => Date }) {
  const { Survey } = deps.models;
  const tokenFor = (claimId: string) =>
    createHmac('sha256', deps.secret).update(`survey:${claimId}`).digest('base64url');

  return {
    tokenFor,

    /** Creates the survey for a closed claim once; returns its token (the same on every call). */
    async ensureForClosedClaim(c: {
      claimId: string;
      claimNumber: string;
      customerId: string;
      ownerId: string;
      teamId: string | undefined;
      branchId: string | undefined;
      sendAt: Date;
    }): Promise<{ token: string; created: boolean }> {
      const token = tokenFor(c.claimId);
      try {
        await Survey.create({
          tokenHash: hash(token),
          claimId: new Types.ObjectId(c.claimId),
          claimNumber: c.claimNumber,
          customerId: new Types.ObjectId(c.customerId),
          ownerId: new Types.ObjectId(c.ownerId),
          teamId: c.teamId ? new Types.ObjectId(c.teamId) : undefined,
          branchId: c.branchId ? new Types.ObjectId(c.branchId) : undefined,
          status: 'sent',
          sendAt: c.sendAt,
          expiresAt: new Date(c.sendAt.getTime() + ANSWER_WINDOW_MS),
        });
        return { token, created: true };
      } catch (err) {
        if (isDuplicateKeyError(err)) return { token, created: false };
        throw err;
      }
    },

    /** What the mini-program shows before the customer answers. */
    async view(token: string) {
      const s = await Survey.findOne({ tokenHash: hash(token) }).lean();
      if (!s || s.sendAt.getTime() > deps.clock().getTime()) throw notFound('survey', '问卷不存在或链接无效');
      return { claimNumber: s.claimNumber, status: s.status, expiresAt: s.expiresAt, score: s.score ?? null };
    },

    /** Records the answer once; a second answer is refused (409), a late one too (410). */
    async answer(token: string, input: AnswerSurveyInput) {
      const now = deps.clock();
      const s = await Survey.findOne({ tokenHash: hash(token) }).lean();
      if (!s || s.sendAt.getTime() > now.getTime()) throw notFound('survey', '问卷不存在或链接无效');
      if (s.status === 'answered') {
        throw new AppError('SURVEY_ALREADY_ANSWERED', 'survey already answered', {
          userMessage: '您已提交过评价，感谢您的反馈',
        });
      }
      if (s.expiresAt.getTime() < now.getTime()) {
        throw new AppError('SURVEY_EXPIRED', 'survey expired', { userMessage: '问卷已过期，感谢您的关注' });
      }
      const res = await Survey.updateOne(
        { _id: s._id, status: 'sent' },
        { $set: { status: 'answered', score: input.score, comment: input.comment, answeredAt: now } },
      );
      if (res.modifiedCount !== 1) {
        throw new AppError('SURVEY_ALREADY_ANSWERED', 'survey answered concurrently', {
          userMessage: '您已提交过评价，感谢您的反馈',
        });
      }
      return { claimNumber: s.claimNumber, score: input.score, answeredAt: now };
    },
  };
}
export type SurveyService = ReturnType<typeof createSurveyService>;

import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An emailed sign-in link: only a SHA-256 of its random token is kept; it works once, before `expiresAt`. */
@Entity({ name: 'sign_in_token' })
export class SignInTokenEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

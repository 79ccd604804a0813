import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PersonEntity } from '../person/person.entity';
import { SourceEntity } from '../source/source.entity';
import { ArticleEntity } from './article.entity';

/** An author of an article, in byline order. */
@Entity({ name: 'article_author' })
@Index('IDX_article_author_person', ['personId', 'articleId'])
export class ArticleAuthorEntity {
  @PrimaryColumn({ name: 'article_id', type: 'uuid' })
  articleId!: string;

  @PrimaryColumn({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ type: 'smallint' })
  position!: number;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: ArticleEntity;

  @ManyToOne(() => PersonEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'person_id' })
  person?: PersonEntity;
}

/** A person named in an article's text, with how many times. */
@Entity({ name: 'article_mention' })
@Index('IDX_article_mention_person', ['personId', 'articleId'])
export class ArticleMentionEntity {
  @PrimaryColumn({ name: 'article_id', type: 'uuid' })
  articleId!: string;

  @PrimaryColumn({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ type: 'integer' })
  count!: number;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: ArticleEntity;

  @ManyToOne(() => PersonEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'person_id' })
  person?: PersonEntity;
}

/** An outlet an article cites as its source of information. */
@Entity({ name: 'article_cited_source' })
@Index('IDX_article_cited_source_source', ['sourceId', 'articleId'])
export class ArticleCitedSourceEntity {
  @PrimaryColumn({ name: 'article_id', type: 'uuid' })
  articleId!: string;

  @PrimaryColumn({ name: 'source_id', type: 'uuid' })
  sourceId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: ArticleEntity;

  @ManyToOne(() => SourceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'source_id' })
  source?: SourceEntity;
}

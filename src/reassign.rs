//! Handing a leaver's rooms and shared files to an heir: whether there is anything to
//! hand over, the reassign job, and terminating a user so that the portal records when.

use crate::UserId;
use crate::client::{Client, Request};
use crate::error::{Error, ErrorKind};
use crate::model::{User, UserType};
use serde::Serialize;
use serde_json::Value;

/// Where a reassign job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JobStatus {
    /// Queued, not started.
    Created,
    /// Handing over.
    Running,
    /// Done: everything was handed over (and, if asked, the profile deleted).
    Completed,
    /// Cancelled: what was already moved stays moved.
    Canceled,
    /// Stopped by an error; [`ReassignJob::error`] says which.
    Failed,
}

impl JobStatus {
    /// Whether the job has ended, one way or another.
    pub fn is_finished(self) -> bool {
        !matches!(self, JobStatus::Created | JobStatus::Running)
    }
}

/// A reassign job as the portal reports it (`GET /people/reassign/progress/{id}`).
#[derive(Debug, Clone, PartialEq)]
pub struct ReassignJob {
    /// Where the job is.
    pub status: JobStatus,
    /// How far it is, 0 to 100.
    pub percentage: f64,
    /// The portal's error, for a failed job.
    pub error: Option<String>,
}

impl ReassignJob {
    pub(crate) fn from_value(value: &Value, action: &str) -> Result<ReassignJob, Error> {
        let status = match &value["status"] {
            Value::Number(n) => n.as_i64(),
            Value::String(name) => match name.to_ascii_lowercase().as_str() {
                "created" => Some(0),
                "running" => Some(1),
                "completed" => Some(2),
                "canceled" | "cancelled" => Some(3),
                "failted" | "failed" => Some(4),
                _ => None,
            },
            _ => None,
        };
        let status = match status {
            Some(0) => JobStatus::Created,
            Some(1) => JobStatus::Running,
            Some(2) => JobStatus::Completed,
            Some(3) => JobStatus::Canceled,
            Some(4) => JobStatus::Failed,
            _ if value["isCompleted"] == true => JobStatus::Completed,
            _ => {
                return Err(Error::protocol(
                    action,
                    format!(
                        "the reassign job's status is not one the API describes: {}",
                        value["status"]
                    ),
                ));
            }
        };
        Ok(ReassignJob {
            status,
            percentage: value["percentage"]
                .as_f64()
                .unwrap_or(0.0)
                .clamp(0.0, 100.0),
            error: value["error"]
                .as_str()
                .filter(|e| !e.is_empty())
                .map(str::to_owned),
        })
    }
}

impl Request {
    /// `GET /api/2.0/people/reassign/necessary?userId=&type=` (DocSpace 3.5 and later).
    pub fn reassign_necessary(user: UserId, user_type: UserType) -> Request {
        let kind = match user_type {
            UserType::User => "User",
            UserType::RoomAdmin => "RoomAdmin",
            UserType::DocSpaceAdmin => "DocSpaceAdmin",
            UserType::Guest => "Guest",
        };
        Request::new(
            "GET",
            format!("/api/2.0/people/reassign/necessary?userId={user}&type={kind}"),
        )
    }

    /// `POST /api/2.0/people/reassign/start`.
    pub fn start_reassign(from: UserId, to: UserId, delete_profile: bool) -> Request {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            from_user_id: UserId,
            to_user_id: UserId,
            delete_profile: bool,
        }
        Request::new("POST", "/api/2.0/people/reassign/start".to_owned()).json(&Body {
            from_user_id: from,
            to_user_id: to,
            delete_profile,
        })
    }

    /// `GET /api/2.0/people/reassign/progress/{id}`.
    pub fn reassign_progress(user: UserId) -> Request {
        Request::new("GET", format!("/api/2.0/people/reassign/progress/{user}"))
    }

    /// `PUT /api/2.0/people/reassign/terminate`.
    pub fn cancel_reassign(user: UserId) -> Request {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            user_id: UserId,
        }
        Request::new("PUT", "/api/2.0/people/reassign/terminate".to_owned())
            .json(&Body { user_id: user })
    }

    /// `PUT /api/2.0/people/{id}` `{"disable": true}`.
    pub fn disable_user(id: UserId) -> Request {
        Request::new("PUT", format!("/api/2.0/people/{id}"))
            .json(&serde_json::json!({ "disable": true }))
    }
}

impl Client {
    /// Whether `user` owns anything a delete would hand over: rooms, and for a guest also
    /// files and folders shared from their documents. `None` when the portal cannot say
    /// (DocSpace before 3.5 has no such request).
    pub fn reassign_necessary(
        &self,
        user: UserId,
        user_type: UserType,
    ) -> Result<Option<bool>, Error> {
        let action = format!("ask whether {user} owns rooms or shared files");
        match self.fetch::<bool>(&Request::reassign_necessary(user, user_type), &action) {
            Ok(owns) => Ok(Some(owns)),
            // A route miss, a bare 404: a portal from before the endpoint existed.
            Err(e) if e.kind() == ErrorKind::Protocol && e.status() == Some(404) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Starts a job that hands `from`'s rooms, third-party storages and shared files to
    /// `to` (shared personal files land in a folder named after `from` in `to`'s
    /// documents), and with `delete_profile` then deletes `from`'s personal files and
    /// profile. The portal refuses unless `from` is terminated, not the owner and not the
    /// caller, and `to` is an active room admin or DocSpace admin.
    pub fn start_reassign(
        &self,
        from: UserId,
        to: UserId,
        delete_profile: bool,
    ) -> Result<ReassignJob, Error> {
        let action = format!("hand the data of {from} to {to}");
        let value: Value =
            self.fetch(&Request::start_reassign(from, to, delete_profile), &action)?;
        ReassignJob::from_value(&value, &action)
    }

    /// The reassign job of `user`, if the portal has one queued, running or finished.
    pub fn reassign_progress(&self, user: UserId) -> Result<Option<ReassignJob>, Error> {
        let action = format!("follow the reassign job of {user}");
        match self.send::<Value>(&Request::reassign_progress(user), &action)? {
            None | Some(Value::Null) => Ok(None),
            Some(value) => ReassignJob::from_value(&value, &action).map(Some),
        }
    }

    /// Cancels `user`'s reassign job; what was already moved stays moved.
    pub fn cancel_reassign(&self, user: UserId) -> Result<(), Error> {
        let action = format!("cancel the reassign job of {user}");
        self.send::<serde::de::IgnoredAny>(&Request::cancel_reassign(user), &action)?;
        Ok(())
    }

    /// Terminates one user through its profile (`PUT /people/{id}` `{"disable": true}`),
    /// which, unlike [`Client::terminate_users`], records when ([`User::terminated`]).
    pub fn disable_user(&self, id: UserId) -> Result<User, Error> {
        self.fetch(&Request::disable_user(id), &format!("terminate {id}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_by_number_or_name() {
        let job = |v: Value| ReassignJob::from_value(&v, "x");
        let running = job(serde_json::json!({"status": 1, "percentage": 50, "isCompleted": false}));
        assert_eq!(running.unwrap().status, JobStatus::Running);
        let failed = job(serde_json::json!({"status": "Failed", "error": "disk full"})).unwrap();
        assert_eq!(
            (failed.status, failed.error.as_deref()),
            (JobStatus::Failed, Some("disk full"))
        );
        assert!(job(serde_json::json!({"status": 9})).is_err());
        assert!(JobStatus::Canceled.is_finished() && !JobStatus::Created.is_finished());
    }
}
